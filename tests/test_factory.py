"""The app factory, create_app (quizapp/__init__.py)."""

from quizapp import create_app
from quizapp.core.paths import resource_dir


def test_config_defaults_to_sqlite_in_the_instance_folder(monkeypatch, instance_folder):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    # Outside DEBUG and TESTING the app wants a key of its own (tests/test_security.py).
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "factory-test-key")
    app = create_app()

    assert not app.testing
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance_folder / 'quizapp.sqlite'}"


def test_quizapp_instance_path_moves_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("QUIZAPP_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    app = create_app({"TESTING": True})
    assert app.instance_path == str(tmp_path / "elsewhere")
    assert (tmp_path / "elsewhere").is_dir()


def test_database_url_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "factory-test-key")

    assert create_app().config["DATABASE_URL"] == "postgresql+psycopg://postgres@127.0.0.1/test"


def test_test_config_wins():
    assert create_app({"TESTING": True, "DATABASE_URL": "sqlite://"}).testing


def test_templates_and_static_are_found_by_absolute_path(app):
    assert app.template_folder == str(resource_dir("templates"))
    assert (resource_dir("templates") / "base.html").is_file()
    assert (resource_dir("static") / "style.css").is_file()


def test_healthz_answers_without_a_database(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite'}"})

    response = app.test_client().get("/healthz")

    assert response.status_code == 200 and response.get_json() == {"ok": True}
    assert not (tmp_path / "none.sqlite").exists()
