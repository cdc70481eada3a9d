import pytest

from fieldwork.errors import InvalidValue
from fieldwork.letter import compose, list_templates, load_template, render_text
from fieldwork.paths import RESOURCES
from tests.helpers.letterdata import reference_input

MINIMAL = """
format = 1
label = "A short note"
title = "Note to {authority}"

[[body]]
text = "We visited on {fieldwork_dates}."

[[body]]
section = "points"
heading = "Points"
style = "paragraphs"
"""


@pytest.fixture(autouse=True)
def _no_user_templates(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path / "empty"))


@pytest.fixture
def user_templates(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    folder.mkdir()
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path))
    return folder


def error_for(folder, text):
    (folder / "broken.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InvalidValue) as caught:
        load_template("broken")
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_shipped_templates_load(user_templates):
    names = [t.name for t in list_templates()]
    assert {"ucra-2009", "focused-visit"} <= set(names)


def test_section_keys_are_in_letter_order():
    template = load_template("ucra-2009")
    assert template.section_keys == ("satisfactory", "strength", "development", "priority_action")
    assert load_template("focused-visit").section_keys == ("priority_action", "improve", "findings")


def test_sections_describe_heading_style_and_empty_behaviour():
    section = load_template("focused-visit").section("improve")
    assert section.heading.startswith("What needs to improve")
    assert section.style == "bullets"
    assert not section.omitted_when_empty
    assert load_template("focused-visit").section("findings").required


def test_user_template_is_picked_up(user_templates):
    (user_templates / "short-note.toml").write_text(MINIMAL, encoding="utf-8")
    assert "short-note" in [t.name for t in list_templates()]
    data = reference_input(template="short-note")
    data.findings[0].section = "points"
    text = render_text(compose(data, draft=False))
    assert "Note to London Borough of Bromley" in text
    assert "We visited on 24 and 25 June 2009." in text
    assert "Safeguarding arrangements are well-established." in text


def test_user_template_shadows_a_shipped_one(user_templates):
    (user_templates / "ucra-2009.toml").write_text(MINIMAL, encoding="utf-8")
    assert load_template("ucra-2009").label == "A short note"
    assert load_template("ucra-2009").path.parent == user_templates


def test_unknown_template_is_invalid_value(user_templates):
    with pytest.raises(InvalidValue, match="unknown letter template 'nope'"):
        load_template("nope")


def test_template_name_cannot_be_a_path(user_templates):
    with pytest.raises(InvalidValue, match="not a template name"):
        load_template("../secrets")


def test_malformed_toml_names_the_file(user_templates):
    message = error_for(user_templates, "title = \n")
    assert message.startswith("broken.toml: not valid TOML")


def test_unknown_placeholder_is_named(user_templates):
    message = error_for(user_templates, MINIMAL.replace("{fieldwork_dates}", "{fieldwork_date}"))
    assert message == "broken.toml: body[0].text: unknown placeholder {fieldwork_date}"


def test_lone_brace_is_refused(user_templates):
    message = error_for(user_templates, MINIMAL.replace("Note to {authority}", "Note {"))
    assert message.startswith("broken.toml: title: lone '{'")


def test_bad_style_names_the_key(user_templates):
    message = error_for(user_templates, MINIMAL.replace('"paragraphs"', '"list"'))
    assert (
        message == "broken.toml: body[1].style: must be one of 'bullets', 'paragraphs', not 'list'"
    )


def test_misspelt_key_is_refused(user_templates):
    message = error_for(user_templates, MINIMAL + "\n[page]\nfontsize = 11\n")
    assert message == "broken.toml: page.fontsize: unknown key"


def test_count_placeholder_needs_a_noun(user_templates):
    text = MINIMAL + '\n[[summary.rules]]\ntext = "We found {count:points}."\n'
    message = error_for(user_templates, text)
    assert message == "broken.toml: summary.rules[0].text: unknown placeholder {count:points}"


def test_broken_user_template_is_left_out_of_the_list(user_templates):
    (user_templates / "broken.toml").write_text("nonsense", encoding="utf-8")
    assert "broken" not in [t.name for t in list_templates()]


def test_shipped_templates_use_bundled_fonts():
    for name in ("ucra-2009", "focused-visit"):
        font = load_template(name).page.font
        assert (RESOURCES / "fonts" / f"{font}-Regular.ttf").is_file()
    assert (RESOURCES / "fonts" / "LiberationSans-OFL.txt").is_file()


def test_example_in_the_docs_works(user_templates):
    docs = (RESOURCES.parent / "docs" / "templates.md").read_text(encoding="utf-8")
    example = docs.split("```toml\n")[-1].split("```")[0]
    (user_templates / "monitoring-visit.toml").write_text(example, encoding="utf-8")
    data = reference_input(template="monitoring-visit", summary=None)
    data.findings[0].section = "action"
    text = render_text(compose(data, draft=False))
    assert "Monitoring visit to London Borough of Bromley children's services" in text
    assert "We found one area for action; the details follow." in text
    assert "We did not look at progress on this visit." in text
    assert "Inspection Team North" in text
