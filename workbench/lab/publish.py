"""Publish a draft: append it as a new dated version to ``rules/discretion/<code>.yaml``.

One flow, in this order, while holding the publishing lock:

1. re-read the published file (a publication that happened meanwhile is
   kept: the draft is appended after it, never over it); refuse when the
   draft was started from another state of the file (``expected_base``), when
   the effective date is not after the last version's, or without a reason;
2. build the file as it would be (earlier versions byte for byte, see
   ``drafts.append_version``) in a copy of the rules directory and check it
   fully: ``load_rulebook`` (schema + lint) and every rule test; refuse while
   any problem or failing test remains;
3. in one store transaction: add the ``RuleVersion`` (author, reason, content
   hash, the file as published) and the audit record, flush, then replace the
   file atomically (temporary file in the same directory, fsync, os.replace,
   fsync of the directory), then commit. A kill leaves the old file or the
   new one, never half of one; a failed commit puts the old file back.

The lock is ``flock`` on the ``rules/discretion`` directory itself: the
kernel releases it when a publisher dies, and no lock file is left in the
rules tree. A second publisher waits up to ``lock_timeout`` seconds, then is
refused with a message.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from workbench.config import settings
from workbench.engine.inputs import parse_date
from workbench.errors import InputError, RuleBookError, WorkbenchError
from workbench.lab.drafts import Draft, append_version, benchmark_file, file_hash, read_versions
from workbench.rulebook import default_rules_dir

__all__ = ["publish", "PublishRefused", "PublishResult", "atomic_write", "publishing_lock", "PAUSE_ENV"]

# Test hook: seconds to sleep after the temporary file is written and before it replaces the
# published one (tests kill the publisher in that window). Never set in production.
PAUSE_ENV = "WORKBENCH_TEST_PUBLISH_PAUSE"


class PublishRefused(WorkbenchError):
    """Publishing was refused; nothing was written. ``reasons`` lists every reason."""

    def __init__(self, headline: str, reasons: list[str] | None = None):
        self.headline = headline
        self.reasons = list(reasons or [])
        super().__init__(headline + ("".join(f"\n  {r}" for r in self.reasons) if self.reasons else ""))


@dataclass
class PublishResult:
    violation: str
    effective_from: dt.date
    path: str
    content_hash: str  # sha256 of the benchmark file as published
    rules_version: str  # content hash of the rules directory after publishing
    rule_version_id: int | None
    tests_run: int
    author: str
    reason: str

    def to_dict(self) -> dict:
        out = dict(self.__dict__)
        out["effective_from"] = self.effective_from.isoformat()
        return out


def publish(
    draft: Draft,
    *,
    effective_from: dt.date | str,
    reason: str,
    author: str,
    rules_dir: str | Path | None = None,
    db_url: str | None = None,
    expected_base: str | None = None,
    lock_timeout: float = 30.0,
) -> PublishResult:
    """Append ``draft`` as the version effective from ``effective_from``; see the module docstring.

    ``expected_base`` (default ``draft.based_on``) is the sha256 of the published file the
    draft started from; when given and the file has changed since, publishing is refused.
    """
    day = _date(effective_from)
    reason = (reason or "").strip()
    author = (author or "").strip()
    if not reason:
        raise InputError("reason", "a written reason is required to publish (why the benchmark changes)")
    if not author:
        raise InputError("author", "the name of the person publishing is required")
    root = Path(rules_dir) if rules_dir is not None else default_rules_dir()
    path = benchmark_file(root, draft.violation)
    with publishing_lock(path.parent, lock_timeout):
        _remove_stale_temporaries(path)
        current = path.read_text(encoding="utf-8")
        base = expected_base if expected_base is not None else draft.based_on
        if base and file_hash(current) != base:
            raise PublishRefused(
                f"{draft.violation}: the published benchmark changed since this draft was started "
                "(someone published meanwhile); nothing was written. "
                "Reload the lab, check their version and apply your edit again."
            )
        _, versions = read_versions(current, str(path))
        last = _date(versions[-1]["effective_from"])
        if day <= last:
            raise PublishRefused(
                f"{draft.violation}: the effective date {day} must be after the last version's ({last}); "
                "versions are never edited or reordered. Choose a later date."
            )
        candidate = append_version(current, draft.levels, day, reason, author)
        book, tests_run = _full_check(root, path, candidate)
        return _write_and_record(
            draft, day, reason, author, path, current, candidate, book.version, tests_run, db_url, len(versions)
        )


# --------------------------------------------------------------------------- steps


def _full_check(root: Path, path: Path, candidate: str):
    """Load + lint the whole rules directory with the candidate file, and run every rule test."""
    from workbench.engine import Engine
    from workbench.engine.ruletests import run_rule_tests
    from workbench.rulebook import load_rulebook

    with tempfile.TemporaryDirectory(prefix="wb-publish-") as tmp:
        copy_root = Path(tmp) / "rules"
        shutil.copytree(root, copy_root, ignore=shutil.ignore_patterns(".*"))
        (copy_root / path.relative_to(root)).write_text(candidate, encoding="utf-8")
        try:
            book = load_rulebook(copy_root)
        except RuleBookError as exc:
            raise PublishRefused(
                f"{path.stem}: not published: the rules would have {len(exc.problems)} problem(s); fix them first",
                [str(p) for p in exc.problems],
            ) from None
        results = run_rule_tests(Engine(book))
        failed = [r for r in results if not r.passed]
        if failed:
            raise PublishRefused(
                f"{path.stem}: not published: {len(failed)} rule test(s) fail with this draft; "
                "fix the draft or the tests first",
                [str(r) for r in failed],
            )
        book.root = str(root)
        return book, len(results)


def _write_and_record(
    draft: Draft,
    day: dt.date,
    reason: str,
    author: str,
    path: Path,
    current: str,
    candidate: str,
    rules_version: str,
    tests_run: int,
    db_url: str | None,
    versions_before: int,
) -> PublishResult:
    from workbench.store import session_scope
    from workbench.store.audit import audit
    from workbench.store.models import RuleVersion

    relative = f"discretion/{path.name}"
    digest = file_hash(candidate)
    now = dt.datetime.now().replace(microsecond=0)
    replaced = False
    try:
        with session_scope(db_url) as session:
            row = RuleVersion(
                file=relative,
                violation=draft.violation,
                effective_from=day,
                content_hash=digest,
                rules_version=rules_version,
                author=author,
                reason=reason,
                published_at=now,
                content=candidate,
            )
            session.add(row)
            session.flush()
            audit(
                session,
                author,
                "publish_benchmark",
                "rule_version",
                f"{draft.violation}@{day.isoformat()}",
                before={"file": relative, "content_hash": file_hash(current), "versions": versions_before},
                after={
                    "file": relative,
                    "content_hash": digest,
                    "versions": versions_before + 1,
                    "effective_from": day.isoformat(),
                    "rules_version": rules_version,
                    "based_on": draft.based_on,
                },
                note=reason,
                at=now,
            )
            session.flush()
            atomic_write(path, candidate)
            replaced = True
            row_id = row.id
    except BaseException as exc:
        if replaced:  # the store did not commit: put the published file back as it was
            atomic_write(path, current, pause=False)
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            raise PublishRefused(
                f"{draft.violation}: not published: the store cannot record the version ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0][:200]}); nothing was written. Is the database set up (`workbench init`)?"
            ) from None
        raise
    return PublishResult(draft.violation, day, str(path), digest, rules_version, row_id, tests_run, author, reason)


def atomic_write(path: Path, text: str, pause: bool = True) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never a part."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, mode)
    seconds = settings().test_publish_pause if pause else None
    if seconds:
        print(
            f"publish: {tmp.name} written, pausing {seconds} s before replacing {path.name}",
            file=sys.stderr,
            flush=True,
        )
        time.sleep(seconds)
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


@contextmanager
def publishing_lock(directory: Path, timeout: float = 30.0) -> Iterator[None]:
    """An exclusive flock on ``directory``: one publisher at a time; waits up to ``timeout`` s."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PublishRefused(
                        f"another publication in {directory} is in progress; waited {timeout:g} s. "
                        "Nothing was written: try again in a moment."
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files of a publisher killed before its replace (we hold the lock: none is live)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            stale.unlink()
        except FileNotFoundError:
            pass


def _date(value) -> dt.date:
    day = parse_date(value, "effective_from")
    if day is None:
        raise InputError("effective_from", "required, as YYYY-MM-DD")
    return day
