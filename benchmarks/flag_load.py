"""Flagging under load: the real bot on the in-repo fake Discord, a burst of messages, a moderator clicking meanwhile.

One run, on 127.0.0.1 in one process and one event loop (the fake's work counts against the bot's loop, so the
figures are if anything pessimistic):

1. a fresh temporary directory, database and encryption key (`models.crypto.generate_key`, exported in the
   variable the config names); a fake guild with a "Group" category of 4 monitored channels plus a thread, a
   queue, 24 members and a moderator; the fake's gateway heartbeat interval shortened (`--heartbeat`, 0.25 s) so
   that the burst spans many heartbeats;
2. the bot exactly as production builds it (`create_bot(config)`: no `engine_factory`, so the detection service
   loads the configured model in its default process worker);
3. three flags posted before the burst, whose Reveal buttons the moderator presses;
4. the burst: `--burst` messages (1,000) handed to the gateway as fast as the fake can send them, across the five
   channels, ~12 % with identifying details (phone numbers, e-mail addresses, names with workplaces) and the rest
   plain support-group chat, in a seeded order;
5. meanwhile: a moderator clicks Reveal every `--click-interval` (0.1 s) until the bot is idle again; the answer
   time is the fake's own `Callback.elapsed` (INTERACTION_CREATE queued → the bot's callback request arrives);
   a ticker in the bot's loop sleeps 5 ms and records how late it wakes; and every heartbeat discord.py's
   keep-alive thread fires is timed (fired → on the wire → its ACK handled by the bot), besides the gateway's
   own view (the longest time it heard no heartbeat at all);
6. afterwards, from the database: every burst message that was flagged has a flag whose post exists in the queue.

Heartbeats: a beat is *late* when it reaches the wire more than `--late-ms` (50 ms) later than the interval
after the previous one; *missed* when a whole interval was skipped (spacing > 2 × interval), when discord.py
warned about its heartbeat or when the gateway connection was re-established.

    python benchmarks/flag_load.py                  # 3 runs of a 1,000-message burst
    python benchmarks/flag_load.py --runs 1 --burst 200 --json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.quality import BenchmarkError  # noqa: E402
from benchmarks.speed import machine, percentile  # noqa: E402
from bot.app import ConfidantBot, create_bot  # noqa: E402
from bot.config import Config, GuildConfig, StorageSettings  # noqa: E402
from bot.fakediscord import FakeDiscord, Interaction, Message, User  # noqa: E402
from models.crypto import FieldCipher, generate_key  # noqa: E402
from models.store import Store  # noqa: E402
from rules.detection import Engine  # noqa: E402

log = logging.getLogger("flag_load")

TICK = 0.005  # the lag ticker's sleep, in seconds
CLICK_TARGET = 1.0  # every click answered within this many seconds
GROUP_CHANNELS = ("group-chat", "check-ins", "peer-support", "off-topic")
THREAD_NAME = "introductions"
AUTHORS = 24
PRE_FLAGS = 3  # flags posted before the burst, for the moderator to reveal
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


# --- messages --------------------------------------------------------------------------------------------------------

OPENERS = (
    "", "", "", "Hi all,", "Morning everyone.", "Evening all.", "Thanks for the replies yesterday.", "Quick update:",
    "Just checking in.", "Honestly,", "Hey,", "Sorry for the long message.", "Small win today:", "Not sure where to "
    "post this, but", "Thank you for the welcome.",
)  # fmt: skip
BODIES = (
    "today was a bit of a struggle but I got through it",
    "I tried the breathing exercise from last week and it helped a little",
    "does anyone else find Sunday evenings the hardest?",
    "I finally told my doctor how I've been feeling and it went better than I expected",
    "the meeting on Thursday really helped me put things into words",
    "I slept properly for the first time in ages",
    "work has been overwhelming and I keep putting off asking for help",
    "I went for a short walk at lunch like someone suggested and felt calmer afterwards",
    "some days I feel fine and then it hits me out of nowhere",
    "I'm trying to be kinder to myself about the small setbacks",
    "writing things down before bed has stopped my thoughts racing",
    "my appetite is coming back slowly",
    "I didn't reply to anyone this week because I needed some space, sorry",
    "is it normal to feel worse before you start feeling better?",
    "I keep comparing myself to how I was a year ago",
    "the grounding technique with the five things you can see works for me",
    "I cancelled plans again and feel guilty about it",
    "my therapist suggested I set one small goal a day",
    "I found it hard to open up in the last session but I'm glad I stayed",
    "reading everyone's posts makes me feel less alone",
    "I've started making tea and sitting outside in the morning before anyone else is up",
    "the anniversary is coming up and I'm dreading it",
    "I'm proud that I asked for a day off instead of pushing through",
    "the new medication is making me tired in the afternoons",
    "I had a panic attack on the bus but I used the counting trick",
    "can someone remind me what the homework was from last session?",
    "I've been journalling every night for two weeks now",
    "it helps to know other people have been through the same thing",
    "I'm going to try the mindfulness app that was recommended here",
    "I snapped at my family today and I feel awful about it",
    "the weekend was quiet, which is what I needed",
    "I'm nervous about going back after the break",
    "does anyone have tips for getting out of bed on the bad days?",
    "I noticed I was catastrophising and managed to stop myself",
    "the rain always makes me feel a bit flat",
    "I spent the afternoon gardening and didn't think about anything else",
    "I'm still waiting to hear back about the referral",
    "thank you for listening last time, it meant a lot",
    "I'd like to talk about boundaries at the next meeting if there's time",
    "I managed to cook a proper meal tonight",
)
CLOSERS = (
    "", "", "", "Thanks for listening.", "Hope everyone is doing ok.", "Take care x", "Sending strength to all of you.",
    "Any advice welcome.", "That's all for now.", "Speak soon.",
)  # fmt: skip

NAMES = ("Jess Miller", "Tom Hargreaves", "Priya Patel", "Sam Okafor", "Lucy Brennan", "Dan Kowalski", "Aisha Rahman")
WORKPLACES = (
    "the Tesco on Kirkstall Road", "Leeds General Infirmary", "the Greggs in Headingley", "Barclays on Park Row",
    "St Mary's primary school", "the Sainsbury's on Market Street", "the council offices on Calverley Street",
)  # fmt: skip
IDENTIFYING = (
    "call me on {phone} if you want to talk later",
    "my number is {phone}, text me any time",
    "you can email me at {email} if you don't want to post here",
    "my friend {name} works at {workplace} and she said the same thing",
    "{name} from {workplace} told me about this group",
    "drop me a line at {email} or ring {phone}",
    "my manager at {workplace} is {name} and he keeps asking why I'm off",
    "I think {name} from the Thursday group works at {workplace}",
)


@dataclass(frozen=True, slots=True)
class Planned:
    """One message of the burst: where, by whom (index into the authors), what, and whether it has details."""

    channel: int  # index into GROUP_CHANNELS, or len(GROUP_CHANNELS) for the thread
    author: int
    text: str
    identifying: bool


def identifying_text(rng: random.Random) -> str:
    """A message with identifying details (fictional numbers: Ofcom's 07700 900xxx drama range)."""
    name = rng.choice(NAMES)
    first, last = name.lower().split()
    return rng.choice(IDENTIFYING).format(
        phone=f"07700 900{rng.randrange(1000):03d}",
        email=f"{first}.{last}{rng.randrange(100)}@example.com",
        name=name,
        workplace=rng.choice(WORKPLACES),
    )


def clean_text(rng: random.Random) -> str:
    """A plain support-group chat message."""
    body = rng.choice(BODIES)
    opener, closer = rng.choice(OPENERS), rng.choice(CLOSERS)
    if not opener or opener.endswith("."):
        body = body[0].upper() + body[1:]
    text = " ".join(part for part in (opener, body) if part)
    if not text.endswith("?"):
        text += "."
    return f"{text} {closer}".strip()


def plan_burst(count: int, identifying_share: float, seed: int) -> list[Planned]:
    """`count` messages, round(count × share) of them identifying, in a seeded order across the channels."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible message mix, not a secret
    marked = round(count * identifying_share)
    kinds = [True] * marked + [False] * (count - marked)
    rng.shuffle(kinds)
    places = len(GROUP_CHANNELS) + 1
    return [
        Planned(
            channel=rng.randrange(places),
            author=rng.randrange(AUTHORS),
            text=identifying_text(rng) if identifying else clean_text(rng),
            identifying=identifying,
        )
        for identifying in kinds
    ]


# --- instruments -----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Beat:
    """One periodic heartbeat of discord.py's keep-alive thread (perf_counter seconds)."""

    fired: float  # the thread asked the loop to send it
    sent: float = 0.0  # the loop had written it to the socket
    acked: float = 0.0  # the bot's loop handled the gateway's ACK after it


class HeartbeatTrace:
    """Times discord.py's periodic heartbeats and their ACKs, by wrapping two methods for the duration.

    `DiscordWebSocket.send_heartbeat` is what the keep-alive thread calls (a heartbeat the gateway asks for with
    op 1 goes through `send_as_json` instead, so it is not counted here); `KeepAliveHandler.ack` runs in the loop
    when op 11 is read. Behaviour is unchanged: the wrappers only note the time.
    """

    def __init__(self) -> None:
        self.beats: list[Beat] = []
        self.acks: list[float] = []
        self._saved: tuple[Any, Any] | None = None

    def __enter__(self) -> HeartbeatTrace:
        from discord.gateway import DiscordWebSocket, KeepAliveHandler

        send, ack = DiscordWebSocket.send_heartbeat, KeepAliveHandler.ack
        trace = self

        def send_heartbeat(ws: Any, data: Any) -> Any:  # called in the keep-alive thread; returns the coroutine
            beat = Beat(time.perf_counter())
            trace.beats.append(beat)

            async def sending() -> None:
                await send(ws, data)
                beat.sent = time.perf_counter()

            return sending()

        def acked(handler: Any) -> None:
            ack(handler)
            now = time.perf_counter()
            trace.acks.append(now)
            waiting = [b for b in trace.beats if b.sent and not b.acked and b.sent <= now]
            if waiting:
                waiting[-1].acked = now

        self._saved = (send, ack)
        DiscordWebSocket.send_heartbeat = send_heartbeat  # type: ignore[method-assign,assignment]
        KeepAliveHandler.ack = acked  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc_info: object) -> None:
        from discord.gateway import DiscordWebSocket, KeepAliveHandler

        assert self._saved is not None  # noqa: S101 - set by __enter__
        DiscordWebSocket.send_heartbeat, KeepAliveHandler.ack = self._saved  # type: ignore[method-assign]


class GatewayWarnings(logging.Handler):
    """discord.py's own complaints about heartbeats ("blocked", "can't keep up", "stopped responding")."""

    WORDS = ("heartbeat", "keep up", "stopped responding")

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []
        self._logger = logging.getLogger("discord.gateway")

    def emit(self, record: logging.LogRecord) -> None:
        """Keep heartbeat warnings."""
        text = record.getMessage()
        if any(word in text.lower() for word in self.WORDS):
            self.messages.append(text.splitlines()[0])

    def __enter__(self) -> GatewayWarnings:
        self._logger.addHandler(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._logger.removeHandler(self)


def listen_to_gateway_heartbeats(fake: FakeDiscord) -> list[float]:
    """Note when the fake gateway receives any op 1 (periodic or asked for): what Discord itself would watch."""
    received: list[float] = []
    gateway = fake.gateway
    on_frame = gateway._on_frame  # noqa: SLF001 - observing the fake's frame handler, not changing it

    async def noting(conn: Any, frame: dict[str, Any]) -> None:
        if frame.get("op") == 1:
            received.append(time.perf_counter())
        await on_frame(conn, frame)

    gateway._on_frame = noting  # type: ignore[method-assign] # noqa: SLF001
    return received


@contextlib.contextmanager
def temporary_key(variable: str) -> Iterator[str]:
    """A fresh encryption key in environment variable `variable`; the previous value is restored afterwards."""
    saved = os.environ.get(variable)
    key = generate_key()
    os.environ[variable] = key
    try:
        yield key
    finally:
        if saved is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = saved


async def _ticker(lags: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(TICK)
        lags.append(time.perf_counter() - started - TICK)


async def _until(predicate: Callable[[], bool], timeout: float, what: str, step: float = 0.01) -> float:
    """Poll until predicate() holds; return the time it was seen to hold. BenchmarkError on timeout."""
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise BenchmarkError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(step)
    return time.perf_counter()


def _reveal_id(post: Message) -> str:
    return next(c for c in post.custom_ids() if c.startswith("confidant:flag:reveal:"))


@dataclass(slots=True)
class Clicks:
    """The moderator's presses during the burst."""

    sent: list[Interaction] = field(default_factory=list)
    tasks: list[asyncio.Task[Interaction]] = field(default_factory=list)


async def _clicker(
    fake: FakeDiscord, posts: list[int], moderator: User, interval: float, stop: asyncio.Event, minimum: int
) -> Clicks:
    """Press Reveal on the pre-burst flags in turn every `interval` seconds until `stop` (and `minimum` presses).

    `fake.click` queues INTERACTION_CREATE and then waits for the bot to have parsed everything queued so far;
    each press runs as its own task so that wait never holds back the next press.
    """
    clicks = Clicks()
    loop = asyncio.get_running_loop()
    due = loop.time()
    while not stop.is_set() or len(clicks.sent) < minimum:
        post = fake.state.messages[posts[len(clicks.sent) % len(posts)]]
        known = len(fake.state.interactions)
        clicks.tasks.append(asyncio.create_task(fake.click(post, _reveal_id(post), moderator)))
        while len(fake.state.interactions) == known:  # the task queues its interaction at its first step
            await asyncio.sleep(0)
        clicks.sent.append(list(fake.state.interactions.values())[-1])
        due += interval
        await asyncio.sleep(max(0.0, due - loop.time()))
    return clicks


# --- one run ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """What one run does."""

    burst: int = 1000
    identifying_share: float = 0.12
    click_interval: float = 0.1
    min_clicks: int = 0
    heartbeat: float = 0.25
    late_ms: float = 50.0
    seed: int = 5
    timeout: float = 300.0


def _ms(values: Sequence[float]) -> dict[str, float]:
    ms = [1000 * v for v in values] or [float("nan")]
    return {"p50_ms": percentile(ms, 0.5), "p99_ms": percentile(ms, 0.99), "max_ms": max(ms)}


def _heartbeat_figures(
    trace: HeartbeatTrace, received: list[float], start: float, end: float, options: LoadOptions
) -> dict[str, Any]:
    """Periodic beats fired within [start, end]: spacing on the wire, loop delay, ACK round trip; gateway silence."""
    beats = [b for b in trace.beats if b.sent]
    in_window = [i for i, b in enumerate(beats) if start <= b.fired <= end]
    excess, delays, round_trips = [], [], []
    for i in in_window:
        beat = beats[i]
        delays.append(beat.sent - beat.fired)
        if i > 0:
            excess.append(beat.sent - beats[i - 1].sent - options.heartbeat)
        if beat.acked:
            round_trips.append(beat.acked - beat.sent)
    heard = [t for t in received if start <= t <= end]
    silences = [b - a for a, b in zip([start, *heard], [*heard, end], strict=True)]
    late = sum(1000 * e > options.late_ms for e in excess)
    skipped = sum(e > options.heartbeat for e in excess)
    return {
        "beats": len(in_window),
        "late": late,
        "skipped": skipped,
        "unacked": sum(not beats[i].acked for i in in_window),
        "spacing_excess_max_ms": 1000 * max(excess, default=0.0),
        "send_delay_max_ms": 1000 * max(delays, default=0.0),
        "ack_round_trip": _ms(round_trips),
        "gateway_longest_silence_ms": 1000 * max(silences, default=0.0),
    }


async def measure(options: LoadOptions, *, engine_factory: Callable[[], Engine] | None = None) -> dict[str, Any]:
    """One run; figures as a (nested) dict. `engine_factory` is for tests: it swaps in a thread worker."""
    plan = plan_burst(options.burst, options.identifying_share, options.seed)
    with tempfile.TemporaryDirectory(prefix="confidant-flag-load-") as tmp:
        storage = StorageSettings(path=Path(tmp) / "confidant.db")
        with temporary_key(storage.key_env) as key:
            figures = await _measure_in(storage, key, plan, options, engine_factory)
    return figures


async def _measure_in(
    storage: StorageSettings,
    key: str,
    plan: list[Planned],
    options: LoadOptions,
    engine_factory: Callable[[], Engine] | None,
) -> dict[str, Any]:
    async with FakeDiscord(bot_name="Confidant", heartbeat_interval=options.heartbeat) as fake:
        guild = fake.add_guild(
            "Support Group",
            channels=("welcome", "general", "mod-queue", "cases", "mod-log"),
            categories={"Group": GROUP_CHANNELS},
            roles=("Member", "Moderators"),
        )
        authors = [fake.add_user(f"member{i:02d}") for i in range(AUTHORS)]
        for author in authors:
            fake.add_member(guild, author, roles=[guild.role("Member")])
        moderator = fake.add_user("mod")
        fake.add_member(guild, moderator, roles=[guild.role("Moderators")])
        entry = GuildConfig(
            id=guild.id, member_role="Member", moderator_role="Moderators", gate_channel="welcome",
            mod_queue_channel="mod-queue", cases_channel="cases", log_channel="mod-log", monitored_channels=("Group",),
        )  # fmt: skip
        config = dataclasses.replace(Config(storage=storage), guild=(entry,))
        bot = create_bot(config, engine_factory=engine_factory, guild_ready_timeout=0.05)
        queue = guild.channel("mod-queue")
        received = listen_to_gateway_heartbeats(fake)

        def queue_posts() -> list[Message]:
            return [m for m in fake.find_messages(queue) if not m.ephemeral]

        started = time.perf_counter()
        with HeartbeatTrace() as trace, GatewayWarnings() as warnings:
            async with fake.running(bot, ready_timeout=options.timeout):
                startup = time.perf_counter() - started
                thread = fake.add_thread(guild.channel(GROUP_CHANNELS[0]), THREAD_NAME, authors[0])
                await fake.settle()
                places = [guild.channel(name) for name in GROUP_CHANNELS] + [thread]
                scans: list[tuple[float, bool]] = []
                service = bot.detection
                scan = service.scan

                async def counted(*args: Any, **kwargs: Any) -> Any:
                    result = await scan(*args, **kwargs)
                    scans.append((time.perf_counter(), result.flagged))
                    return result

                service.scan = counted  # type: ignore[method-assign]
                parsed: dict[int, float] = {}  # interaction id -> when the bot dispatched it (monotonic)

                async def on_interaction(interaction: Any) -> None:
                    parsed[interaction.id] = time.monotonic()

                bot.add_listener(on_interaction, "on_interaction")

                # Flags for the moderator to reveal, posted (and the bot idle again) before the burst.
                for index in range(PRE_FLAGS):
                    text = identifying_text(random.Random(index))  # noqa: S311
                    await fake.user_message(places[0], authors[index], text)
                await _until(lambda: len(queue_posts()) >= PRE_FLAGS, options.timeout, "the pre-burst flags")
                await _until(lambda: _idle(bot), options.timeout, "the bot to finish the pre-burst flags")
                pre_posts = [m.id for m in queue_posts()]
                del scans[:]
                dms_before = sum(len(fake.find_messages(to=a)) for a in authors)

                lags: list[float] = []
                stop_ticker, stop_clicks = asyncio.Event(), asyncio.Event()
                ticker = asyncio.create_task(_ticker(lags, stop_ticker))
                await asyncio.sleep(0)
                burst_started = time.perf_counter()
                clicker = asyncio.create_task(
                    _clicker(fake, pre_posts, moderator, options.click_interval, stop_clicks, options.min_clicks)
                )
                sent: list[tuple[Message, Planned]] = []
                for item in plan:
                    place, author = places[item.channel], authors[item.author]
                    message = Message(fake.state.ids.next(), place.id, author.id, item.text, guild_id=guild.id)
                    sent.append((fake.post_message(message), item))
                    await asyncio.sleep(0)  # let the fake's writer and the bot's reader run between messages
                handed_over = time.perf_counter()
                idle_at = await _until(
                    lambda: len(scans) >= len(plan) and _idle(bot), options.timeout, "the burst to be processed"
                )
                stop_clicks.set()
                clicks = await clicker
                stop_ticker.set()
                await ticker
                burst_window = (burst_started, idle_at)
                # Every press gets its answer or the fake's 3 s deadline; the settle wait of each ends too.
                with contextlib.suppress(BenchmarkError):
                    await _until(
                        lambda: (
                            all(it.responses for it in clicks.sent) or time.perf_counter() - clicks.sent[-1].sent_at > 5
                        ),
                        10,
                        "answers to the clicks",
                    )
                settled = await asyncio.gather(*clicks.tasks, return_exceptions=True)
                flagged_posts = [m for m in queue_posts() if m.id not in pre_posts]
                dms = sum(len(fake.find_messages(to=a)) for a in authors) - dms_before
            reconnects = fake.gateway.identifies - 1 + fake.gateway.resumes
        heartbeats = _heartbeat_figures(trace, received, *burst_window, options)

    # The database: every flagged burst message has a flag, and that flag's post is in the queue.
    post_ids = {m.id for m in flagged_posts}
    flags = posted = flagged_identifying = 0
    async with Store.open(storage.path, FieldCipher([key])) as store:
        for message, item in sent:
            flag = await store.flag_for_message(guild.id, message.id)
            if flag is None:
                continue
            flags += 1
            posted += flag.queue_message_id in post_ids
            flagged_identifying += item.identifying
    raised = sum(flagged for _, flagged in scans)
    identifying = sum(item.identifying for item in plan)
    answers = [it.responses[0].elapsed for it in clicks.sent if it.responses]
    # Where an answer's time went: reaching the bot (gateway backlog) or the bot's own handling.
    delivery = [parsed[it.id] - it.sent_at for it in clicks.sent if it.id in parsed]
    handling = [it.responses[0].elapsed - (parsed[it.id] - it.sent_at) for it in clicks.sent
                if it.responses and it.id in parsed]  # fmt: skip
    last_scan = max(t for t, _ in scans)
    heartbeats["missed"] = heartbeats["skipped"] + len(warnings.messages) + reconnects
    return {
        "burst": len(plan),
        "identifying_messages": identifying,
        "startup_seconds": startup,
        "handover_seconds": handed_over - burst_started,
        "scan_seconds": last_scan - burst_started,
        "scan_rate": len(scans) / (last_scan - burst_started),
        "burst_seconds": idle_at - burst_started,
        "scans": len(scans),
        "flags_raised": raised,
        "flags_stored": flags,
        "flags_posted": posted,
        "queue_posts": len(flagged_posts),
        "lost": raised - posted,
        "nudges_and_dms": dms,
        "flagged_identifying": flagged_identifying,
        "flagged_clean": flags - flagged_identifying,
        "clicks": {
            "sent": len(clicks.sent),
            "answered": len(answers),
            "over_target": sum(a >= CLICK_TARGET for a in answers) + len(clicks.sent) - len(answers),
            "settle_timeouts": sum(isinstance(r, BaseException) for r in settled),
            **_ms(answers),
            "delivery": _ms(delivery),
            "handling": _ms(handling),
        },
        "heartbeat": heartbeats,
        "heartbeat_warnings": warnings.messages,
        "reconnects": reconnects,
        "lag": {**_ms([max(lag, 0.0) for lag in lags]), "ticks": len(lags)},
        "load_average": os.getloadavg()[0],
    }


def _idle(bot: ConfidantBot) -> bool:
    """No message between its scan and its flag being posted (the bot's shutdown drain counter; no public API)."""
    return bot._working == 0  # noqa: SLF001


# --- runs and summary ------------------------------------------------------------------------------------------------


def flatten(figures: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Numeric figures as one flat dict (`clicks_p99_ms`, `heartbeat_ack_round_trip_max_ms`, …)."""
    flat: dict[str, float] = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}_"))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            flat[f"{prefix}{key}"] = value
    return flat


def summarise(runs: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Median, min and max over the runs of every numeric figure."""
    flat = [flatten(run) for run in runs]
    keys = [key for key in flat[0] if all(key in run for run in flat)]
    return {
        key: {
            "median": statistics.median(run[key] for run in flat),
            "min": min(run[key] for run in flat),
            "max": max(run[key] for run in flat),
        }
        for key in keys
    }


def verdict(runs: Sequence[dict[str, Any]]) -> dict[str, bool]:
    """The issue's targets, over every run: clicks all answered < 1 s, no missed heartbeat, nothing lost."""
    return {
        "clicks_under_1s": all(r["clicks"]["over_target"] == 0 and r["clicks"]["answered"] > 0 for r in runs),
        "no_missed_heartbeats": all(r["heartbeat"]["missed"] == 0 for r in runs),
        "nothing_lost": all(r["lost"] == 0 and r["flags_raised"] == r["flags_posted"] for r in runs),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """`args.runs` runs, each with a fresh fake, bot, worker, database and key."""
    options = LoadOptions(
        burst=args.burst,
        identifying_share=args.identifying,
        click_interval=args.click_interval,
        heartbeat=args.heartbeat,
        late_ms=args.late_ms,
        seed=args.seed,
        timeout=args.timeout,
    )
    load_before = os.getloadavg()
    runs = []
    for index in range(args.runs):
        figures = asyncio.run(measure(options))
        log.info(
            "Run %d/%d: burst %.1f s, %.0f scans/s, %d flags (%d posted); clicks p99 %.0f ms, max %.0f ms; "
            "heartbeats %d (late %d, missed %d); loop lag p99 %.1f ms",
            index + 1, args.runs, figures["burst_seconds"], figures["scan_rate"], figures["flags_raised"],
            figures["flags_posted"], figures["clicks"]["p99_ms"], figures["clicks"]["max_ms"],
            figures["heartbeat"]["beats"], figures["heartbeat"]["late"], figures["heartbeat"]["missed"],
            figures["lag"]["p99_ms"],
        )  # fmt: skip
        runs.append(figures)
    return {
        "machine": {**machine(), "load_average_before": load_before, "load_average_after": os.getloadavg()},
        "config": {**dataclasses.asdict(options), "runs": args.runs, "tick_ms": 1000 * TICK, "worker": "process"},
        "runs": runs,
        "summary": summarise(runs),
        "targets_met": verdict(runs),
    }


ROWS = (
    ("burst: messages handed to the gateway s", "handover_seconds", "{:.2f}"),
    ("burst: last scan done s", "scan_seconds", "{:.2f}"),
    ("burst: scans per second", "scan_rate", "{:,.0f}"),
    ("burst: total until the bot is idle s", "burst_seconds", "{:.2f}"),
    ("flags raised (scans above threshold)", "flags_raised", "{:.0f}"),
    ("flags posted to the queue (checked in the DB)", "flags_posted", "{:.0f}"),
    ("  of which identifying / clean messages", ("flagged_identifying", "flagged_clean"), "{:.0f}"),
    ("flags lost (raised, no post)", "lost", "{:.0f}"),
    ("author nudges / DMs sent", "nudges_and_dms", "{:.0f}"),
    ("clicks sent / answered", ("clicks_sent", "clicks_answered"), "{:.0f}"),
    ("click answer p50 ms", "clicks_p50_ms", "{:.0f}"),
    ("click answer p99 ms", "clicks_p99_ms", "{:.0f}"),
    ("click answer max ms (target < 1000)", "clicks_max_ms", "{:.0f}"),
    ("clicks not answered within 1 s", "clicks_over_target", "{:.0f}"),
    ("  part reaching the bot p99 / max ms", ("clicks_delivery_p99_ms", "clicks_delivery_max_ms"), "{:.0f}"),
    ("  part in the bot's handler p99 / max ms", ("clicks_handling_p99_ms", "clicks_handling_max_ms"), "{:.0f}"),
    ("heartbeats during the burst", "heartbeat_beats", "{:.0f}"),
    ("  late (> interval + late-ms) / missed", ("heartbeat_late", "heartbeat_missed"), "{:.0f}"),
    ("  worst spacing beyond the interval ms", "heartbeat_spacing_excess_max_ms", "{:.1f}"),
    ("  worst fired -> on the wire ms", "heartbeat_send_delay_max_ms", "{:.1f}"),
    ("  ACK round trip p50 ms", "heartbeat_ack_round_trip_p50_ms", "{:.1f}"),
    ("  ACK round trip max ms", "heartbeat_ack_round_trip_max_ms", "{:.1f}"),
    ("  gateway's longest silence ms", "heartbeat_gateway_longest_silence_ms", "{:.0f}"),
    ("event-loop lag p50 ms", "lag_p50_ms", "{:.2f}"),
    ("event-loop lag p99 ms", "lag_p99_ms", "{:.1f}"),
    ("event-loop lag max ms", "lag_max_ms", "{:.1f}"),
    ("bot startup (login, model load, READY) s", "startup_seconds", "{:.1f}"),
)


def _cell(summary: dict[str, dict[str, float]], key: str | tuple[str, ...], form: str) -> str:
    if isinstance(key, tuple):
        return " / ".join(_cell(summary, part, form) for part in key)
    if key not in summary:
        return "–"
    figure = summary[key]
    low, mid, high = (form.format(figure[k]) for k in ("min", "median", "max"))
    return mid if low == high else f"{mid} [{low}–{high}]"


def format_report(report: dict[str, Any]) -> str:
    """A readable table of medians with the min–max over the runs, and the targets."""
    config, host, summary = report["config"], report["machine"], report["summary"]
    identifying = round(config["burst"] * config["identifying_share"])
    before, after = host["load_average_before"], host["load_average_after"]
    lines = [
        f"burst of {config['burst']:,} messages ({identifying} with identifying details) over 4 channels + a thread; "
        f"Reveal clicked every {1000 * config['click_interval']:.0f} ms; heartbeat every "
        f"{1000 * config['heartbeat']:.0f} ms; {config['worker']} worker; {config['runs']} runs",
        f"{host['cpus']} CPUs {host['arch']} {host['cpu']}, Python {host['python']}, spaCy {host['spacy']}; "
        f"load average {before[0]:.2f} {before[1]:.2f} {before[2]:.2f} -> {after[0]:.2f} {after[1]:.2f} "
        f"{after[2]:.2f}",
        "",
        f"{'':<46} median [min–max]",
    ]
    lines += [f"{label:<46} {_cell(summary, key, form)}" for label, key, form in ROWS]
    warnings = sorted({text for run in report["runs"] for text in run["heartbeat_warnings"]})
    if warnings:
        lines += ["", "discord.py heartbeat warnings:", *(f"  {text}" for text in warnings)]
    met = report["targets_met"]
    lines += [
        "",
        "targets: every click answered < 1 s: " + ("met" if met["clicks_under_1s"] else "NOT MET"),
        "         no missed heartbeat: " + ("met" if met["no_missed_heartbeats"] else "NOT MET"),
        "         every flagged message posted: " + ("met" if met["nothing_lost"] else "NOT MET"),
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, metavar="K", help="repetitions; medians are reported")
    parser.add_argument("--burst", type=int, default=1000, metavar="N", help="messages in the burst")
    parser.add_argument("--identifying", type=float, default=0.12, metavar="F", help="share with details (0.12)")
    parser.add_argument("--click-interval", type=float, default=0.1, metavar="S", help="seconds between clicks")
    parser.add_argument("--heartbeat", type=float, default=0.25, metavar="S", help="gateway heartbeat interval")
    parser.add_argument("--late-ms", type=float, default=50.0, metavar="MS", help="a heartbeat later than this is late")
    parser.add_argument("--seed", type=int, default=5, help="seed of the message mix")
    parser.add_argument("--timeout", type=float, default=300.0, metavar="S", help="give up on a stalled run")
    parser.add_argument("--json", action="store_true", help="print machine-readable results instead of a table")
    args = parser.parse_args(argv)
    for name in ("runs", "burst"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    for name in ("click_interval", "heartbeat", "timeout"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if not 0 <= args.identifying <= 1:
        parser.error("--identifying must be from 0 to 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print a table (or JSON); exit 1 if a target was missed, 2 if a run failed."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    log.setLevel(logging.INFO)
    args = parse_args(argv)
    try:
        report = run(args)
    except (BenchmarkError, AssertionError, OSError) as exc:
        print(f"flag_load: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_OK if all(report["targets_met"].values()) else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
