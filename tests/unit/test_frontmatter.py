from kiosk.content import frontmatter


def test_reads_keys_with_their_lines_and_the_body():
    parsed = frontmatter.parse(
        "---\ntitle: What is it?\nimage: a.svg\nimage_alt: A nerve\norder: 10\n---\nBody\n")
    assert parsed.errors == []
    assert parsed.values == {"title": "What is it?", "image": "a.svg", "image_alt": "A nerve",
                             "order": "10"}
    assert parsed.line_of("image_alt") == 4
    assert parsed.body == "Body\n"
    assert parsed.body_first_line == 7


def test_values_may_contain_colons_and_quotes_are_dropped():
    parsed = frontmatter.parse('---\ntitle: "Sciatica: what helps"\nimage: a.svg\n'
                               "image_alt: x\n---\nBody")
    assert parsed.values["title"] == "Sciatica: what helps"


def test_a_misspelt_key_suggests_the_right_one():
    parsed = frontmatter.parse("---\ntitel: x\nimage: a.svg\nimage_alt: x\n---\nBody")
    assert (2, "unknown key 'titel' (did you mean 'title'?); allowed keys: "
               "title, image, image_alt, order, reviewed_by, reviewed_on, source, "
               "more_info") in parsed.errors
    assert (5, "'title:' is missing from the '---' block") in parsed.errors


def test_no_opening_fence_is_reported_on_line_one():
    parsed = frontmatter.parse("title: x\n\nBody")
    assert [line for line, _ in parsed.errors] == [1]


def test_unclosed_block_is_reported():
    parsed = frontmatter.parse("---\ntitle: x\nimage: a.svg\n")
    assert parsed.errors == [(1, "the '---' block at the top is never closed with another '---'")]


def test_duplicate_and_empty_keys_are_reported_on_their_lines():
    parsed = frontmatter.parse("---\ntitle: x\ntitle: y\nimage:\nimage_alt: z\n---\nBody")
    assert (3, "'title' is given twice (first on line 2)") in parsed.errors
    assert (4, "'image' is empty") in parsed.errors


def test_line_without_colon_is_reported():
    parsed = frontmatter.parse("---\ntitle x\n---\nBody")
    assert parsed.errors[0] == (2, "expected 'key: value', found 'title x'")
