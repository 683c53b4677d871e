"""The account's event feed and agents' inboxes (``account.event_feed``): polling
from a saved position, and the live stream over a WebSocket with catch-up and
checkpoints. See docs/event-feed.md; the public names are in
:mod:`basecamp_client.events`."""
