from __future__ import annotations

from scrapy.utils.project import get_project_settings

from newscrawl import __version__


def test_safe_by_default() -> None:
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 50 * 1024 * 1024
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")
    # what Scrapy builds: its base list merged with the project's
    extensions = settings.get_component_priority_dict_with_base("EXTENSIONS")
    assert "scrapy.extensions.corestats.CoreStats" in extensions
    assert "scrapy.extensions.telnet.TelnetConsole" not in extensions
    assert "scrapy.extensions.remote_control.RemoteControl" not in extensions
    assert f"newscrawl/{__version__}" in settings.get("USER_AGENT")


def test_pipelines_run_in_data_flow_order() -> None:
    pipelines = get_project_settings().getdict("ITEM_PIPELINES")
    order = [name.rsplit(".", 1)[1] for name, _ in sorted(pipelines.items(), key=lambda kv: kv[1])]
    assert order == [
        "ExtractPipeline",
        "DatelinePipeline",
        "EnrichPipeline",
        "DedupPipeline",
        "WriteJsonlPipeline",
    ]
