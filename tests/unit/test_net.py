import pytest

from tasks.fetching.fetch import retry_after_seconds
from tasks.fetching.net import AddressPolicy, BlockedAddress, is_public
from tasks.fetching.politeness import HostThrottle, RobotsRules


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.5",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fc00::1",
        "0.0.0.0",
        "100.64.0.1",
        "::ffff:10.0.0.1",
        "224.0.0.1",
    ],
)
def test_internal_addresses_are_not_public(address):
    assert not is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses(address):
    assert is_public(address)


def test_policy_allows_listed_hosts_only():
    policy = AddressPolicy(["127.0.0.1:8080", "intranet.example"])
    policy.check("127.0.0.1", 8080, ["127.0.0.1"])
    policy.check("intranet.example", 443, ["10.0.0.7"])
    with pytest.raises(BlockedAddress):
        policy.check("127.0.0.1", 8081, ["127.0.0.1"])
    with pytest.raises(BlockedAddress):
        policy.check("evil.example", 80, ["93.184.216.34", "10.0.0.1"])  # any internal answer


def test_retry_after_in_seconds_and_as_a_date():
    from datetime import UTC, datetime

    assert retry_after_seconds("7") == 7.0
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Mon, 01 Jan 2024 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon") is None


def test_throttle_spaces_requests_to_one_host():
    clock = [0.0]
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        clock[0] += seconds

    throttle = HostThrottle(per_host=1, delay_s=2.0, clock=lambda: clock[0], sleep=sleep)
    for _ in range(3):
        with throttle.slot("example.org"):
            pass
    with throttle.slot("other.example"):
        pass
    assert sleeps == [2.0, 2.0]


def test_robots_rules():
    rules = RobotsRules("User-agent: *\nDisallow: /private/\nCrawl-delay: 3\n", "claimtrack/0.1")
    assert rules.allows("https://example.org/news/1")
    assert not rules.allows("https://example.org/private/x")
    assert rules.crawl_delay() == 3.0
    assert RobotsRules(None, "claimtrack").allows("https://example.org/anything")
