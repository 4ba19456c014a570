from dansmarue import create_app

app = create_app()
