"""The installed package carries every file the server reads besides its Python modules."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_package_data_covers_every_file_under_server():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["server"]
    server = ROOT / "server"
    shipped = {path for pattern in patterns for path in server.glob(pattern)}
    needed = {path for path in server.rglob("*") if path.is_file() and path.suffix not in (".py", ".pyc")}
    assert sorted(str(p.relative_to(ROOT)) for p in needed - shipped) == []
    assert server / "office" / "templates" / "office" / "base.html" in shipped  # the patterns reach subfolders
