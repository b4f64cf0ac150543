from kiosk.content.markdown_body import check_body, render_html


def test_raw_html_is_shown_as_text_never_as_markup():
    html = render_html("Hello <script>alert(1)</script>\n\n<iframe src='x'></iframe>")
    assert "<script" not in html
    assert "<iframe" not in html
    assert "&lt;script&gt;" in html


def test_only_internal_links_survive_rendering():
    html = render_html("[a](section:deep-tissue) [b](signup:) [c](https://x.org) "
                       "[d](javascript:alert(1)) [e](file:///etc/passwd)")
    assert '<a href="section:deep-tissue">a</a>' in html
    assert '<a href="signup:">b</a>' in html
    assert "https://" not in html
    assert "javascript" not in html
    assert "file:" not in html


def test_pictures_in_the_body_become_their_alt_text():
    html = render_html("![a drawing](../../secret.png)")
    assert "<img" not in html
    assert "a drawing" in html


def test_tables_lists_and_bold_render():
    html = render_html("**Bold**\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<strong>Bold</strong>" in html
    assert "<li>one</li>" in html
    assert "<table>" in html


def test_html_inside_code_is_not_an_error():
    report = check_body("Type `<b>` to... no, never mind.\n\n```\n<script>\n```\n", 6)
    assert report.errors == []


def test_links_are_found_with_their_line_numbers():
    report = check_body("One.\n\nSee [x](section:a).\n\n[ref]: section:b\n", 10)
    assert [(link.line, link.target) for link in report.links] == [
        (12, "section:a"), (14, "section:b")]


def test_a_bare_address_is_caught_even_beside_an_allowed_link():
    report = check_body("See www.example.com or [deep tissue](section:deep-tissue).\n", 7)
    assert [line for line, _ in report.errors] == [7]
    assert "www.example.com" in report.errors[0][1]


def test_a_bare_email_address_is_caught():
    report = check_body("Write to desk@example.com with questions.\n", 3)
    assert report.errors == [(3, "e-mail addresses (desk@example.com) cannot be used on the "
                                 "kiosk; tell patients to ask at the front desk instead")]


def test_one_page_never_leaks_into_the_next():
    # The converter is reused: a link reference defined on one page must not serve another.
    first = render_html("See [the nerve][ref].\n\n[ref]: section:the-sciatic-nerve\n")
    assert '<a href="section:the-sciatic-nerve">the nerve</a>' in first
    second = render_html("See [the nerve][ref].\n")
    assert "<a" not in second
    assert render_html("See [the nerve][ref].\n\n[ref]: section:the-sciatic-nerve\n") == first


def test_pages_rendered_on_two_threads_at_once_come_out_as_on_one():
    from concurrent.futures import ThreadPoolExecutor

    bodies = [f"# Part {n}\n\n**Bold {n}** and [a link](section:part-{n}).\n\n- one\n- two\n"
              for n in range(200)]
    alone = [render_html(body) for body in bodies]
    with ThreadPoolExecutor(max_workers=2) as pool:
        together = list(pool.map(render_html, bodies))
    assert together == alone
