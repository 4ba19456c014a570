"""/api/v1/categories: the category tree residents choose from."""
