"""Lists sharing one head, from the sentence table tests/data/names_lists.tsv."""
import pytest

from test_scan import check, read_cases


@pytest.mark.parametrize("text, expected, absent", read_cases("names_lists.tsv"))
def test_list_items_share_the_head(text, expected, absent):
    check(text, expected, absent)
