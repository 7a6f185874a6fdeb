"""The project config file: defaults for build and check, validated like content."""

from __future__ import annotations

import pytest

from handouts.config import Config, load_config
from handouts.load import ContentInvalid

from .conftest import FIXTURES, run


class DescribeTheConfigFile:
    def it_gives_defaults_when_there_is_no_file(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        assert load_config() == Config()

    def it_reads_values_and_nested_check_settings(self, tmp_path):
        path = tmp_path / "handouts.yaml"
        path.write_text("paper: a4\ncheck:\n  grade_error: 9\n  disabled: {smog-warning: our readers are staff}\n")
        config = load_config(path)
        assert config.paper == "a4"
        assert config.check.grade_error == 9.0
        assert config.check.disabled == {"smog-warning": "our readers are staff"}
        assert config.root == tmp_path

    def it_reports_wrong_types_and_values_with_their_place(self, tmp_path):
        path = tmp_path / "handouts.yaml"
        path.write_text("paper: tabloid\ncheck:\n  grade_error: hard\n")
        with pytest.raises(ContentInvalid) as info:
            load_config(path)
        assert [str(p) for p in info.value.problems] == [
            f"{path}:3:16: check.grade_error: expected a number, got str 'hard'"]
        path.write_text("paper: tabloid\n")
        with pytest.raises(ContentInvalid) as info:
            load_config(path)
        assert str(info.value.problems[0]) == f"{path}:1:8: paper: expected letter or a4"  # at the value

    def it_supplies_build_defaults_that_options_override(self, tmp_path, monkeypatch):
        (tmp_path / "topic.yaml").write_text((FIXTURES / "minimal.yaml").read_text())
        (tmp_path / "handouts.yaml").write_text("content: [topic.yaml]\nout: built\npaper: a4\n")
        monkeypatch.chdir(tmp_path)
        result = run("build")
        assert result.code == 0, result.err
        assert (tmp_path / "built" / "handout.pdf").is_file()
        assert run("build", "--out", "elsewhere").code == 0
        assert (tmp_path / "elsewhere" / "slides.pptx").is_file()

    def it_fails_cleanly_on_a_missing_config_file(self, tmp_path):
        result = run("check", str(FIXTURES / "minimal.yaml"), "--config", str(tmp_path / "none.yaml"))
        assert result.code == 1
        assert f"{tmp_path / 'none.yaml'}: file not found" in result.err
