"""Guarantees beyond single formulas: no I/O, no clock, thread safety."""

import builtins
import io
import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import date, timedelta
from unittest import mock

import okrkit
from okrkit import from_dict, render, to_dict
from okrkit._demo import demo_kpis, demo_measurements, demo_objectives


def _forbidden(*args, **kwargs):
    raise AssertionError("okrkit must not do I/O or read the clock")


def evaluate_demo(as_of):
    return okrkit.evaluate(
        demo_objectives(),
        kpis=demo_kpis(),
        measurements=demo_measurements(),
        as_of=as_of,
    )


def test_a_full_evaluation_does_no_io_and_reads_no_clock():
    """open, sockets, the environment and the clock all fail; evaluation works."""
    patches = [
        mock.patch.object(builtins, "open", _forbidden),
        mock.patch.object(io, "open", _forbidden),
        mock.patch.object(socket, "socket", _forbidden),
        mock.patch.object(socket, "create_connection", _forbidden),
        mock.patch.object(os, "getenv", _forbidden),
        mock.patch.object(os, "listdir", _forbidden),
        mock.patch.object(time, "time", _forbidden),
        mock.patch.object(time, "localtime", _forbidden),
    ]
    with ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        card = evaluate_demo(date(2026, 3, 16))
        text = render(card)
        again = from_dict(okrkit.Scorecard, to_dict(card))
    assert again == card
    assert text.startswith("Scorecard as of 2026-03-16")


def test_concurrent_evaluations_match_sequential_ones():
    """Evaluations run from several threads give the sequential results."""
    dates = [date(2026, 1, 10) + timedelta(days=7 * i) for i in range(16)]
    sequential = [evaluate_demo(day) for day in dates]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(evaluate_demo, dates))
    assert concurrent == sequential


def test_values_are_not_shared_mutable_state():
    """Evaluating twice with the same inputs gives equal, independent results."""
    a = evaluate_demo(date(2026, 3, 16))
    b = evaluate_demo(date(2026, 3, 16))
    assert a == b
    assert a is not b
    assert isinstance(a.objectives, tuple)
    assert isinstance(a["growth"].key_results, tuple)
