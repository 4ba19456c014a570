"""Texts adapted to who reads them."""


def for_follower(text: str | None) -> str | None:
    """A follower is not the reporter: "Votre signalement" becomes "Le signalement que vous suivez"."""
    if not text:
        return text
    return text.replace("Votre signalement", "Le signalement que vous suivez").replace(
        "votre signalement", "le signalement que vous suivez"
    )
