"""How the linked-data pages show values (issue 9 item 4: numbers with digit grouping)."""

from __future__ import annotations


def test_resource_pages_group_the_digits_of_large_numbers(client):
    page = client.get("/doc/tairenshezi-2021-12/target/subsidized-training/2021--2021",
                      headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'title="67000">67,000</span>' in page
