from pathlib import Path

APP_DIR = Path(__file__).resolve().parent


def page_scripts() -> list[str]:
    """Every page of the app, relative to app/: the home page, then pages/ in menu order."""
    return ["Home.py", *sorted(f"pages/{p.name}" for p in (APP_DIR / "pages").glob("*.py"))]
