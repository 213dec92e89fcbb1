"""deploy/ stays in step with the code: the example environment file names every setting the server reads."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READS = re.compile(r'(?:environ\.get|environ\[|getenv|_env_flag|_env_list|_env_int)\(?\s*"([A-Z][A-Z0-9_]+)"')
INTERNAL = {"KENTTA_TEST_DATABASE_URL", "KENTTA_TEST_POSTGRES_URL", "KENTTA_CHROMIUM"}  # tests only


def settings_read() -> set:
    files = [*(ROOT / "server").rglob("*.py"), ROOT / "gunicorn.conf.py"]
    return {name for path in files for name in READS.findall(path.read_text(encoding="utf-8"))} - INTERNAL


def test_the_example_environment_file_lists_every_setting():
    example = (ROOT / "deploy" / "kentta.env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    read = settings_read()
    assert len(read) >= 20 and {"DATABASE_URL", "SECRET_KEY", "PUBLIC_BASE_URL"} <= read
    assert read - listed == set()


def test_the_readme_configuration_table_lists_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert {name for name in settings_read() if f"`{name}`" not in readme} == set()
