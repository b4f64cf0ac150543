"""A version of the content folder is taken only once it has stayed the same long enough."""

from kiosk.content.settle import Settler


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_slow_writer_never_settles_until_it_stops():
    clock = Clock()
    settler = Settler(5.0, clock)
    taken = []
    # Eight pieces, one a second: each version is seen quiet for a second, never five.
    for piece in range(1, 9):
        version = ("page.md", piece * 100)
        for _look in range(2):
            if settler.wait_s(version) == 0:
                taken.append(version)
            clock.now += 0.5
    assert taken == []
    final = ("page.md", 800)
    assert settler.wait_s(final) == 4.0
    clock.now += 4.0
    assert settler.wait_s(final) == 0
    assert settler.wait_s(final) == 0  # and stays taken


def test_a_change_starts_the_wait_again():
    clock = Clock()
    settler = Settler(5.0, clock)
    settler.wait_s("a")
    clock.now += 4.9
    assert settler.wait_s("b") == 5.0
    clock.now += 5.0
    assert settler.wait_s("b") == 0


def test_without_a_settle_time_every_version_is_taken_at_once():
    assert Settler(0.0, Clock()).wait_s("a") == 0
