"""A hypothesis state machine drives each EventStore adapter and a plain-Python model side by side."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from albatross.kernel import ConcurrencyError, StreamAppend
from tests.conftest import EVENT_STORES, NO_POSTGRES, POSTGRES_URL, close_store, make_store, new_event

STREAMS = st.sampled_from(["a-1", "a-2", "b-1", "b-2"])


def machine_for(kind: str) -> type[RuleBasedStateMachine]:
    class EventStoreMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.loop = asyncio.new_event_loop()
            self.tmp = tempfile.TemporaryDirectory()
            self.store = self.loop.run_until_complete(make_store(kind, Path(self.tmp.name)))
            self.model: list[tuple[str, str]] = []  # (stream, event id) in global order
            self.last_ok: tuple[list[StreamAppend], list[int]] | None = None

        def teardown(self) -> None:
            self.loop.run_until_complete(close_store(self.store))
            self.loop.close()
            self.tmp.cleanup()

        def version(self, stream: str) -> int:
            return sum(1 for s, _ in self.model if s == stream)

        @initialize()
        def start(self) -> None:
            assert self.loop.run_until_complete(self.store.last_position()) == 0

        @rule(stream=STREAMS, count=st.integers(1, 4), offset=st.sampled_from([0, 0, 0, -1, 1, None]))
        def append(self, stream: str, count: int, offset: int | None) -> None:
            current = self.version(stream)
            expected = None if offset is None else current + offset
            events = [new_event() for _ in range(count)]
            self._append([StreamAppend(stream, expected, events)], ok=expected in (None, current))

        @rule(first=STREAMS, second=STREAMS, wrong=st.booleans())
        def append_two_streams(self, first: str, second: str, wrong: bool) -> None:
            if first == second:
                return
            expected_second = self.version(second) + (1 if wrong else 0)
            appends = [
                StreamAppend(first, self.version(first), [new_event()]),
                StreamAppend(second, expected_second, [new_event(), new_event()]),
            ]
            self._append(appends, ok=not wrong)

        @rule()
        def retry_last_successful_append(self) -> None:
            if self.last_ok is None:
                return
            appends, positions = self.last_ok
            assert self.loop.run_until_complete(self.store.append_streams(appends)) == positions

        def _append(self, appends: list[StreamAppend], ok: bool) -> None:
            if ok:
                positions = self.loop.run_until_complete(self.store.append_streams(appends))
                for a in appends:
                    self.model.extend((a.stream_id, e.event_id) for e in a.events)
                assert positions == list(range(len(self.model) - len(positions) + 1, len(self.model) + 1))
                self.last_ok = (appends, positions)
            else:
                with pytest.raises(ConcurrencyError):
                    self.loop.run_until_complete(self.store.append_streams(appends))

        @rule(stream=STREAMS, after=st.integers(0, 6))
        def read_stream(self, stream: str, after: int) -> None:
            stored = self.loop.run_until_complete(self.store.read_stream(stream, after))
            expected = [event_id for s, event_id in self.model if s == stream][after:]
            assert [e.event_id for e in stored] == expected
            assert [e.version for e in stored] == list(range(after + 1, after + 1 + len(expected)))

        @rule(after=st.integers(0, 30), limit=st.integers(1, 10))
        def read_all(self, after: int, limit: int) -> None:
            stored = self.loop.run_until_complete(self.store.read_all(after, limit))
            assert [(e.stream_id, e.event_id) for e in stored] == self.model[after : after + limit]

        @invariant()
        def head_matches_model(self) -> None:
            assert self.loop.run_until_complete(self.store.last_position()) == len(self.model)

    EventStoreMachine.__name__ = f"EventStoreMachine_{kind}"
    return EventStoreMachine


for _kind in EVENT_STORES:
    if _kind.startswith("postgres") and not POSTGRES_URL:

        def skipped() -> None:
            pytest.skip(NO_POSTGRES)

        globals()[f"test_event_store_against_model_{_kind.replace('-', '_')}"] = skipped
        continue
    _machine = machine_for(_kind)
    _machine.TestCase.settings = settings(max_examples=25, stateful_step_count=25, deadline=None)
    globals()[f"TestEventStoreAgainstModel_{_kind}"] = _machine.TestCase
