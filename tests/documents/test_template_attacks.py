"""A Word template cannot exhaust the server: not at upload, and not when documents are made.

Each attack is refused quickly, with a message that names the limit, by the layer meant to
stop it: the zip check (before anything unpacks), the sandbox's parse-time rules (with the
paragraph), its render-time limits, or the trial process's clock and memory limit.
"""

import random
import struct
import time
import zipfile
from io import BytesIO

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import SecurityError

from tests.documents.test_template_validation import word_file
from tlo import documents, docx_archive, template_trial
from tlo.errors import ValidationError
from tlo.template_sandbox import TemplateLimitExceeded, TemplateNotAllowed, TemplateSandbox

SAMPLE = documents.sample_context("marketing_summary")
SHIPPED = documents.template_path("marketing_summary").read_bytes()
MB = 1024 * 1024


def refusal(content: bytes) -> tuple[str, float]:
    started = time.perf_counter()
    problems = documents.template_problems(content, SAMPLE)
    elapsed = time.perf_counter() - started
    assert len(problems) == 1, problems
    # Well inside the trial's clock: the refusal came from a limit, not from the timeout.
    assert elapsed < template_trial.TRIAL_SECONDS / 2, f"{elapsed:.1f} s: {problems[0]}"
    return problems[0], elapsed


# Refused when the template is parsed, with the paragraph to correct ----------------------------

PARSE_TIME_ATTACKS = {
    "a power of ten": ('{{ "x" * 10**8 }}', "Raising to a power (**) is not allowed"),
    "a huge number": (
        '{{ "x" * 100000000 }}',
        "Numbers larger than 1,000,000 are not allowed in Word templates (this one is "
        "100,000,000).",
    ),
    "a tower of powers": ("{{ 9**9**9 }}", "Raising to a power (**) is not allowed"),
    "nested loops over powers": (
        "{% for a in range(10**6) %}{% for b in range(10**6) %}x{% endfor %}{% endfor %}",
        "Raising to a power (**)",
    ),
    "the sample's list repeated a billion times": (
        "{% for p in patents * 1000000000 %}{{ p.number }}{% endfor %}",
        "Numbers larger than 1,000,000",
    ),
    "join as a method": ("{{ ''.join(['x'] * 99999) }}", "The method .join() is not available."),
    "a padding filter": ("{{ headline|center(999999) }}", "The filter |center is not available"),
    "str.format": ("{{ '{:>999999}'.format(headline) }}", "The method .format() is not available"),
    "a namespace that grows in a loop": (
        '{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}'
        "{% endfor %}{{ ns.s }}",
        "namespace() is not available",
    ),
    "a macro that calls itself twice": (
        "{% macro m(n) %}{{ m(n) }}{{ m(n) }}{% endmacro %}{{ m(1) }}",
        "{% macro %} is not allowed in Word templates.",
    ),
}


@pytest.mark.parametrize("source, message", PARSE_TIME_ATTACKS.values(), ids=PARSE_TIME_ATTACKS)
def test_an_attack_in_a_placeholder_is_refused_with_its_paragraph(source, message):
    problem, _ = refusal(word_file("Dear licensee,", source))
    assert problem.startswith("Not allowed in paragraph 2 (“"), problem
    assert message in problem


def test_a_ten_megabyte_text_in_quotes_is_refused_without_rendering_it():
    # Ten megabytes that compress no better than real text, so that the zip check lets them
    # through to the parser, in two runs (Word's XML parser takes at most 10 MB in one run).
    half = random.Random(14).randbytes(5 * MB // 2).hex().encode()
    text = b'{{ "' + half + b"</w:t></w:r><w:r><w:t>" + half + b'" }}'
    problem, _ = refusal(with_document_xml(word_file("Title", "TEXT"), b"TEXT", text))
    assert problem.startswith("Not allowed in paragraph 2")
    assert "Text in quotes longer than 1,000 characters" in problem
    assert "this one has 10,485,760" in problem


def with_document_xml(content: bytes, old: bytes, new: bytes) -> bytes:
    """The Word file with `old` replaced by `new` in its body's XML."""
    buffer = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(old, new)
            target.writestr(info.filename, data)
    return buffer.getvalue()


# Refused by the render-time limits, in the trial render at upload -----------------------------

RENDER_TIME_ATTACKS = {
    "nested loops of a thousand": (
        "{% for a in range(1000) %}{% for b in range(1000) %}x{% endfor %}{% endfor %}",
        "The loops in the template would repeat more than 10,000 times in one document.",
    ),
    "a range of a hundred thousand": (
        "{% for a in range(100000) %}x{% endfor %}",
        "The template asks range() for more than 1,000 numbers.",
    ),
    "the sample's list repeated a million times": (
        "{% for p in patents * 1000000 %}{{ p.number }}{% endfor %}",
        "The template would make a text or list of more than about 1 MB.",
    ),
    "text doubled by set": (
        '{% set s = "xxxxxxxxxx" %}' + "{% set s = s ~ s %}" * 30 + "{{ s|length }}",
        "The template would make a text or list of more than about 1 MB.",
    ),
    "a list of one big text printed": (
        '{% set x = "y" * 999999 %}{{ [x, x, x, x, x, x, x, x] }}',
        "The template would make a text or list of more than about 1 MB.",
    ),
    "join with a long separator": (
        "{{ range(1000)|join('x' * 2000) }}",
        "The template would make a text or list of more than about 1 MB.",
    ),
    "a list joined after repeating": (
        "{{ (['x'] * 999999)|join }}",
        "The template would make a text or list of more than about 1 MB.",
    ),
    "replace that multiplies": (
        '{{ ("a" * 2000)|replace("a", "b" * 1000) }}',
        "The template would make a text or list of more than about 1 MB.",
    ),
    "a million-character text scanned over and over": (
        '{% set x = "y" * 999999 %}{% for a in range(1000) %}{{ x.isdigit() }}{% endfor %}',
        "The template computes too much: more than about 50 MB of text in one document.",
    ),
    "a million-character text compared over and over": (
        '{% set x = "y" * 999999 %}{% for a in range(1000) %}{% if "z" in x %}{% endif %}'
        "{% endfor %}",
        "The template computes too much: more than about 50 MB of text in one document.",
    ),
    "much work inside a loop": (
        "{% for a in range(1000) %}{% for b in range(10) %}"
        + "{% if a %}{% endif %}" * 40
        + "{% endfor %}{% endfor %}",
        "The loops in the template would do too much work: more than 100,000 steps",
    ),
    "an output of twelve million characters": (
        "{% for a in range(100) %}{% for b in range(50) %}" + "z" * 2500 + "{% endfor %}"
        "{% endfor %}",
        "The filled-in document would be larger than 10 million characters.",
    ),
}


@pytest.mark.parametrize("source, message", RENDER_TIME_ATTACKS.values(), ids=RENDER_TIME_ATTACKS)
def test_an_attack_that_parses_is_stopped_by_a_limit_in_the_trial_render(source, message):
    problem, _ = refusal(word_file("Dear licensee,", source))
    assert problem.startswith(message), problem


# Refused before anything unpacks the file ------------------------------------------------------


def rebuilt(content: bytes, extra: dict[str, bytes] | None = None, *, parts: int = 0) -> bytes:
    """The same Word file with more parts added."""
    buffer = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
        for number in range(parts):
            target.writestr(f"word/extra/part{number}.xml", b"<x/>")
    return buffer.getvalue()


def with_zeros(megabytes: int) -> bytes:
    """The shipped file with a part of `megabytes` zeros, written 1 MB at a time."""
    buffer = BytesIO(rebuilt(SHIPPED))
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/zeros.bin", "w", force_zip64=True) as part,
    ):
        for _ in range(megabytes):
            part.write(bytes(MB))
    return buffer.getvalue()


def declared(content: bytes, name: str, size: int) -> bytes:
    """The file with the uncompressed size that the zip directory declares for `name` forged."""
    data = bytearray(content)
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + name_length] == name.encode():
            struct.pack_into("<I", data, entry + 24, size)
            return bytes(data)
        entry = data.find(b"PK\x01\x02", entry + 4)
    raise AssertionError(f"{name} is not in the file")


def test_a_part_declared_to_unpack_to_two_gigabytes_is_refused_from_the_directory_alone():
    content = rebuilt(SHIPPED, {"word/media/big.bin": b"small"})
    content = declared(content, "word/media/big.bin", 2 * 1024 * MB)
    problem, _ = refusal(content)
    assert problem == (
        "The part word/media/big.bin would unpack to 2.0 GB; at most 20.0 MB per part is accepted."
    )


def test_a_zip_bomb_of_real_zeros_is_refused_before_it_is_unpacked():
    content = with_zeros(24)  # 24 MB of zeros, about 24 KB compressed
    assert len(content) < MB
    problem, _ = refusal(content)
    assert problem.startswith("The part word/media/zeros.bin would unpack to 24.0 MB")


def test_a_part_compressed_a_thousand_fold_is_refused_even_under_the_size_limits():
    problem, _ = refusal(with_zeros(15))
    assert problem.startswith("The part word/media/zeros.bin is compressed 1,")
    assert "a zip bomb does that" in problem


def test_parts_that_together_unpack_to_too_much_are_refused():
    content = rebuilt(SHIPPED, {f"word/media/image{n}.png": b"png" for n in range(3)})
    for n in range(3):
        content = declared(content, f"word/media/image{n}.png", 19 * MB)
    problem, _ = refusal(content)
    assert problem.startswith("The file would unpack to 57.")
    assert problem.endswith("at most 50.0 MB is accepted.")


def test_a_file_of_too_many_parts_is_refused():
    problem, _ = refusal(rebuilt(SHIPPED, parts=docx_archive.MAX_PARTS))
    assert problem == (
        "The file holds 517 parts; a Word document has a few dozen (at most 500 are accepted)."
    )


def test_a_part_that_holds_more_than_it_declares_is_refused():
    content = rebuilt(SHIPPED, {"word/media/liar.bin": bytes(3 * MB)})
    problem, _ = refusal(declared(content, "word/media/liar.bin", 1000))
    assert problem.startswith("The part word/media/liar.bin is damaged or forged")


def test_a_part_that_holds_less_than_it_declares_is_refused():
    content = rebuilt(SHIPPED, {"word/media/liar.bin": bytes(1000)})
    problem, _ = refusal(declared(content, "word/media/liar.bin", 5000))
    assert problem == (
        "The part word/media/liar.bin holds 1,000 bytes, not the 5,000 it declares: the file "
        "is damaged or forged."
    )


def test_the_shipped_templates_are_far_inside_the_archive_limits():
    for name in documents.template_names():
        assert docx_archive.archive_problem(documents.template_path(name).read_bytes()) is None


# The same limits protect documents made from a stored version ---------------------------------


def test_a_stored_version_that_loops_too_much_fails_quickly_when_a_document_is_made():
    content = word_file(RENDER_TIME_ATTACKS["nested loops of a thousand"][0])
    started = time.perf_counter()
    with pytest.raises(ValidationError) as refused:
        documents.render("marketing_summary", SAMPLE, template=content)
    assert time.perf_counter() - started < 3
    assert str(refused.value) == (
        "The marketing_summary template cannot be used: The loops in the template would repeat "
        "more than 10,000 times in one document. Correct the template on the Word templates page."
    )


def test_a_stored_version_with_a_tag_no_longer_allowed_fails_with_a_message():
    content = word_file("{% macro m() %}x{% endmacro %}{{ m() }}")
    with pytest.raises(ValidationError, match=r"\{% macro %\} is not allowed"):
        documents.render("marketing_summary", SAMPLE, template=content)


def test_a_stored_zip_bomb_is_not_unpacked_when_a_document_is_made():
    with pytest.raises(ValidationError, match=r"would unpack to 24\.0 MB"):
        documents.render("marketing_summary", SAMPLE, template=with_zeros(24))


def test_the_limits_leave_every_shipped_template_rendering_byte_for_byte_as_before():
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    for name in documents.template_names():
        context = documents.sample_context(name)
        before = DocxTemplate(documents.template_path(name))
        before.render(context, jinja_env=SandboxedEnvironment(autoescape=True))
        buffer = BytesIO()
        before.save(buffer)
        with (
            zipfile.ZipFile(buffer) as old,
            zipfile.ZipFile(BytesIO(documents.render(name, context))) as new,
        ):
            assert old.namelist() == new.namelist()
            for part in old.namelist():
                assert old.read(part) == new.read(part), (name, part)


# The sandbox on its own (no Word file): each way to blow a value up ----------------------------


def render(source: str, **context) -> str:
    return (
        TemplateSandbox(autoescape=True, undefined=StrictUndefined)
        .from_string(source)
        .render(context)
    )


# Each repetition reads a million characters: fine once, too much a thousand times.
SCAN = (
    '{{% set x = "y" * 999999 %}}{{% for a in range(1000) %}}{{% if {} %}}{{% endif %}}'
    "{{% endfor %}}"
)


@pytest.mark.parametrize(
    "source, error, message",
    [
        ("{{ 'x' * 2000000 }}", TemplateNotAllowed, "Numbers larger than 1,000,000"),
        ("{{ 'x' * (1000 * 1001) }}", TemplateLimitExceeded, "more than about 1 MB"),
        ("{{ 999999 * 999999 * 999999 * 999999 }}", TemplateLimitExceeded, "numbers into a huge"),
        ("{{ '%999999s' % 'x' }}", TemplateLimitExceeded, "formats text with %"),
        ("{{ ('x' * 600000) + ('x' * 600000) }}", TemplateLimitExceeded, "more than about 1 MB"),
        ("{{ big.ljust(999999) }}", TemplateNotAllowed, "The method .ljust() is not available"),
        ("{{ 'x'.ljust }}", SecurityError, "'ljust' of 'str' object is unsafe"),
        ("{{ items.append(1) }}", TemplateNotAllowed, "The method .append() is not available"),
        ("{{ big|batch(3) }}", TemplateNotAllowed, "The filter |batch is not available"),
        ("{{ lipsum(999999) }}", TemplateNotAllowed, "lipsum() is not available"),
        ("{% include 'x' %}", TemplateNotAllowed, "{% include %} is not allowed"),
        ("{% set x %}{{ big }}{% endset %}", TemplateNotAllowed, "{% set %}…{% endset %}"),
        ("{% with a = big %}{% endwith %}", TemplateNotAllowed, "{% with %} is not allowed"),
        ("{% for x in items recursive %}{% endfor %}", TemplateNotAllowed, "Recursive loops"),
        ("{% for x in range(3) %}{{ x.__class__ }}{% endfor %}", TemplateNotAllowed, "__class__"),
        ("{{ big.replace('a', big) }}", TemplateLimitExceeded, "more than about 1 MB"),
        ("{{ ''|truncate(1000 * 1001) }}", TemplateLimitExceeded, "larger than 1,000,000"),
        (SCAN.format("x[1:]"), TemplateLimitExceeded, "computes too much"),
        (SCAN.format("'z' is in x"), TemplateLimitExceeded, "computes too much"),
        (SCAN.format("x == x ~ ''"), TemplateLimitExceeded, "computes too much"),
        ("{{ 'x' ~ 1 }}" * 20_001, TemplateNotAllowed, "more than 20,000 placeholders"),
    ],
)
def test_the_sandbox_refuses(source, error, message):
    with pytest.raises(error) as refused:
        render(source, big="a" * 2000, items=[1, 2])
    assert message in refused.value.message


def test_ordinary_template_code_still_works_in_the_sandbox():
    source = (
        "{% set names = people|map(attribute='name')|list %}{{ names|join(', ') }};"
        "{% for p in people if p.share > 10 %}{{ loop.index }}.{{ p.name|upper }}"
        "{{ ',' if not loop.last }}{% endfor %};{{ 'x' * 3 }}{{ 2 * 21 }};"
        "{{ title.replace('&', 'and').split()|length }};{{ range(3)|list }};{{ d.get('k') }}"
    )
    people = [{"name": "Ada", "share": 60}, {"name": "Bo & Co", "share": 40}]
    assert render(source, people=people, title="A & B", d={"k": "v"}) == (
        "Ada, Bo &amp; Co;1.ADA,2.BO &amp; CO;xxx42;3;[0, 1, 2];v"
    )


def test_the_limits_count_the_whole_document_not_each_part():
    environment = TemplateSandbox(autoescape=True)
    loop = environment.from_string("{% for a in range(1000) %}x{% endfor %}")
    for _ in range(10):  # docxtpl renders the body, headers, footers... with one environment
        loop.render()
    with pytest.raises(TemplateLimitExceeded, match="more than 10,000 times"):
        loop.render()


# The trial process: its clock and its memory limit ---------------------------------------------


def test_a_trial_render_that_runs_out_of_time_is_stopped_and_named(monkeypatch):
    monkeypatch.setattr(template_trial, "TRIAL_SECONDS", 0.01)
    assert documents.template_problems(SHIPPED, SAMPLE) == [
        "The trial render took longer than 0.01 s; the template repeats or computes too much."
    ]


def test_a_trial_render_that_runs_out_of_memory_is_stopped_and_named(monkeypatch):
    monkeypatch.setattr(template_trial, "TRIAL_MEMORY_MB", 1)
    assert documents.template_problems(SHIPPED, SAMPLE) == [
        "The trial render needed more than 1 MB of memory; the template repeats or computes "
        "too much."
    ]


def test_a_normal_upload_check_stays_fast():
    started = time.perf_counter()
    assert documents.template_problems(SHIPPED, SAMPLE) == []
    assert time.perf_counter() - started < 3
