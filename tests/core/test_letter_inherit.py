"""Templates that extend another: what they change, what they keep, and their mistakes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fieldwork.errors import InvalidValue
from fieldwork.letter import compose, load_template, render_text
from tests.helpers.letterdata import focused_input, reference_input, write_logo


@pytest.fixture
def user_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path))
    return folder


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(folder: Path, text: str, name: str = "child") -> str:
    write(folder, name, text)
    with pytest.raises(InvalidValue) as caught:
        load_template(name)
    message = str(caught.value)
    assert "\n" not in message
    return message


def letter_text(template: str, **fields: object) -> str:
    data = reference_input(template=template, **fields)
    return render_text(compose(data, draft=False))


def test_a_template_changes_only_what_it_says(user_templates: Path) -> None:
    write(user_templates, "child", """
format = 1
extends = "ucra-2009"
label = "Bromley's own"

[page]
font_size = 12

[letterhead]
left = ["Ofsted", "Aviation House"]
right = ["0300 123 1231"]
""")
    child, parent = load_template("child"), load_template("ucra-2009")
    assert child.extends == "ucra-2009" and child.label == "Bromley's own"
    assert child.page.font_size == 12 and child.page.leading == parent.page.leading
    assert child.page.justify == parent.page.justify
    assert child.body == parent.body and child.summary == parent.summary
    assert child.copies_label == parent.copies_label
    assert child.letterhead_left == ("Ofsted", "Aviation House")
    assert child.letterhead == ("0300 123 1231",)
    text = letter_text("child")
    reference = letter_text("ucra-2009")
    assert text.endswith(reference) and text.startswith("Ofsted\nAviation House\n0300 123 1231")


def test_body_entries_are_replaced_inserted_and_removed_by_id(user_templates: Path) -> None:
    write(user_templates, "child", """
format = 1
extends = "ucra-2009"

[[body]]
id = "introduction"
text = "We inspected {authority} on {fieldwork_dates:range}."

[[body]]
before = "summary"
heading = "Summary"

[[body]]
after = "development"
id = "thanks"
text = "Thank you."

[[body]]
remove = "also_identified"

[[body]]
section = "strength"
heading = "What works well"
style = "paragraphs"

[[body]]
text = "A last word."
""")
    template = load_template("child")
    assert [p.id or p.text for p in template.body][:3] == [
        "introduction", "Summary", "summary",
    ]
    text = letter_text("child")
    assert "We inspected London Borough of Bromley on 24 to 25 June 2009." in text
    assert "Summary\n\nThe inspection identified" in text
    assert "following strengths and areas for development were also identified" not in text
    assert "What works well\n\n" in text
    development = text.index("Areas for development")
    assert text.index("Thank you.") > development
    assert text.rstrip().endswith("A last word.") is False  # the sign-off still closes it
    assert text.index("A last word.") < text.index("Yours sincerely")


def test_a_table_can_be_removed(user_templates: Path) -> None:
    write(user_templates, "child", 'format = 1\nextends = "ucra-2009"\nremove = ["copies"]\n')
    assert load_template("child").copies_label is None
    assert "Copy:" not in letter_text("child")
    message = error_for(user_templates, 'format = 1\nextends = "ucra-2009"\nremove = ["nope"]\n')
    assert message == "child.toml: remove: the template it extends has no 'nope' to remove"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('[[body]]\nid = "nope"\ntext = "x"\n',
         "child.toml: body[0].id: no body entry with id 'nope' in 'ucra-2009' to replace"),
        ('[[body]]\nbefore = "nope"\ntext = "x"\n',
         "child.toml: body[0].before: no body entry with id 'nope' in 'ucra-2009' (its ids: "),
        ('[[body]]\nremove = "nope"\n',
         "child.toml: body[0].remove: no body entry with id 'nope' in 'ucra-2009'"),
        ('[[body]]\nremove = "summary"\ntext = "x"\n',
         "child.toml: body[0]: an entry that removes another has no other keys"),
        ('[[body]]\nbefore = "summary"\nafter = "summary"\ntext = "x"\n',
         "child.toml: body[0]: give one of before, after and remove"),
    ],
)
def test_an_unknown_id_is_one_clear_line(user_templates: Path, body: str, expected: str) -> None:
    message = error_for(user_templates, f'format = 1\nextends = "ucra-2009"\n{body}')
    assert message.startswith(expected)


def test_a_missing_parent_is_named(user_templates: Path) -> None:
    message = error_for(user_templates, 'format = 1\nextends = "nope"\n')
    assert message == "child.toml: extends: no template 'nope' to extend"


def test_a_cycle_is_named(user_templates: Path) -> None:
    write(user_templates, "a", 'format = 1\nextends = "b"\n')
    write(user_templates, "b", 'format = 1\nextends = "c"\n')
    message = error_for(user_templates, 'format = 1\nextends = "a"\n', name="c")
    assert message == "b.toml: extends: 'c' makes a cycle (c → a → b → c)"


def test_placement_keys_need_a_parent(user_templates: Path) -> None:
    message = error_for(user_templates, 'format = 1\n[[body]]\nbefore = "x"\ntext = "y"\n')
    assert message == "child.toml: body[0].before: is only for a template that extends another"


def test_a_mistake_in_the_parent_names_the_parent(user_templates: Path) -> None:
    write(user_templates, "parent", 'format = 1\n[[body]]\ntext = "{nope}"\n')
    message = error_for(user_templates, 'format = 1\nextends = "parent"\n')
    assert message == "parent.toml: body[0].text: unknown placeholder {nope}"


def test_a_user_template_can_adapt_the_shipped_one_of_its_name(user_templates: Path) -> None:
    write(user_templates, "ucra-2009", 'format = 1\nextends = "ucra-2009"\nclosing = "Regards"\n')
    template = load_template("ucra-2009")
    assert template.closing == "Regards" and template.path.parent == user_templates
    assert template.section_keys[0] == "satisfactory"


def test_a_change_to_the_parent_is_seen(user_templates: Path) -> None:
    parent = write(user_templates, "parent", 'format = 1\n[[body]]\ntext = "First."\n')
    write(user_templates, "child", 'format = 1\nextends = "parent"\n')
    assert load_template("child").body[0].text == "First."
    parent.write_text('format = 1\n[[body]]\ntext = "Second."\n', encoding="utf-8")
    stat = parent.stat()
    os.utime(parent, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    assert load_template("child").body[0].text == "Second."


def test_a_logo_is_found_beside_the_file_that_names_it(user_templates: Path) -> None:
    write(user_templates, "parent", '''format = 1
[letterhead]
logo = "logo.png"
[[body]]
text = "x"
''')
    write_logo(user_templates / "logo.png")
    write(user_templates, "child", 'format = 1\nextends = "parent"\n')
    assert load_template("child").logo == (user_templates / "logo.png").resolve()
    message = error_for(user_templates, 'format = 1\n[letterhead]\nlogo = "none.png"\n'
                                        '[[body]]\ntext = "x"\n')
    assert message.startswith("child.toml: letterhead.logo: no such image file")


def test_the_shipped_templates_show_inheritance() -> None:
    template = load_template("focused-visit-2021")
    assert template.extends == "focused-visit"
    parent = load_template("focused-visit")
    assert template.section_keys == parent.section_keys
    assert template.letterhead_left and template.letterhead
    data = focused_input()
    data.inspection.fields.update(template="focused-visit-2021",
                                  fieldwork_dates=["2021-11-09", "2021-11-10"])
    for inspector in data.inspectors:
        inspector.extra = {"post_nominals": "HMI"}
    text = render_text(compose(data, draft=False))
    assert ("on 9 to 10 November 2021. The inspectors were Alison Whitcombe, HMI, and "
            "Derek Osei, HMI.") in text
    assert "Headline findings" in text and "Main findings" in text and "Overview" not in text
    assert "Ofsted will take the findings" in text


def test_the_walk_through_in_the_docs_makes_the_shipped_template(user_templates: Path) -> None:
    from dataclasses import replace

    from fieldwork.paths import RESOURCES

    docs = (RESOURCES.parent / "docs" / "templates.md").read_text(encoding="utf-8")
    walk = docs.split("## From a published letter to a template")[1].split("\n## ")[0]
    blocks = [b.split("```")[0] for b in walk.split("```toml\n")[1:]]
    write(user_templates, "walked", "\n".join(blocks))
    walked, shipped = load_template("walked"), load_template("focused-visit-2021")
    assert replace(walked, name=shipped.name, path=shipped.path) == shipped
