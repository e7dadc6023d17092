"""The locks install exactly what was tested, layer by layer, on every Python the workshop supports.

requirements/<layer>.in holds the pins a person edits; <layer>.txt is what `make lock` made of
them: every transitive package, its hashes, markers where Pythons differ. These fail when a pin
changed without `make lock`, when a layer strays from the versions of the layers above it, and
when the venv holds a package the locks do not pin. The locks are read for several Pythons and
platforms at once, by evaluating their markers for each.
"""

import ast
import re
import sys

import pytest

from workshop.locks import BOOTSTRAP, LAYERS, installed, normalise, pinned, read_in, read_lock
from workshop.pythons import dotted, supported_pythons

PYTHONS = [dotted(version) for version in supported_pythons()]
PLATFORMS = (("linux", "x86_64"), ("linux", "aarch64"), ("darwin", "arm64"))
ENVIRONMENTS = [
    pytest.param(
        {"python_version": python, "python_full_version": f"{python}.0", "sys_platform": system}
        | {"platform_machine": machine, "platform_system": system.capitalize(), "os_name": "posix"},
        id=f"{python}-{system}-{machine}",
    )
    for python in PYTHONS
    for system, machine in PLATFORMS
]


def included(layer):
    """The layers whose pins `layer` carries: itself and every one before it."""
    return LAYERS[: LAYERS.index(layer) + 1]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("layer", LAYERS)
def test_every_pin_a_person_wrote_is_what_the_lock_installs(layer, environment):
    wanted = pinned([pin for each in included(layer) for pin in read_in(each)], environment)
    locked = pinned(read_lock(layer), environment)
    stale = {
        name: (version, locked.get(name)) for name, version in wanted.items() if locked.get(name) != version
    }
    assert not stale, f"requirements/{layer}.txt is stale (pinned, locked): {stale}; run `make lock`"


@pytest.mark.parametrize("layer", LAYERS)
def test_nothing_is_locked_for_a_pin_that_is_gone(layer):
    written = {pin.name for each in included(layer) for pin in read_in(each)}
    asked_by_a_pin_file = {
        pin.name
        for pin in read_lock(layer)
        if any(re.match(r"-r requirements/\w+\.in", via) for via in pin.via)
    }
    assert asked_by_a_pin_file <= written, f"run `make lock`: {sorted(asked_by_a_pin_file - written)}"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_layer_is_a_part_of_the_next_with_the_same_versions(environment):
    for smaller, larger in zip(LAYERS, LAYERS[1:]):
        small, large = pinned(read_lock(smaller), environment), pinned(read_lock(larger), environment)
        differ = {
            name: (version, large.get(name)) for name, version in small.items() if large.get(name) != version
        }
        assert not differ, f"{smaller}.txt and {larger}.txt disagree: {differ}; run `make lock`"


def test_the_serve_layer_holds_what_a_step_imports():
    """`make run` installs serve only: every package a step imports must be in it."""
    from importlib.metadata import distributions

    from workshop.steps import all_steps

    # Which distribution installs each top-level module, from the files it installed (on Python
    # 3.10, packages_distributions() reads only top_level.txt, which not every wheel has).
    owners = {}
    for dist in distributions():
        name = normalise(dist.metadata["Name"])
        for top in {file.parts[0].removesuffix(".py") for file in dist.files or ()}:
            owners.setdefault(top, set()).add(name)
    imported = set()
    for step in all_steps():
        for path in step.folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    imported |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"chat", "mysite"}
    needed = {dist for module in third_party for dist in owners[module]}
    assert needed <= set(pinned(read_lock("serve"))), needed - set(pinned(read_lock("serve")))


@pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="reads a venv made from the locks")
def test_a_venv_made_with_make_setup_holds_exactly_the_dev_lock():
    """What `pip freeze` would list: every distribution but pip's own bootstrap, at its version."""
    found = {name: version for name, version in installed().items() if name not in BOOTSTRAP}
    locked = {name: version for name, version in pinned(read_lock("dev")).items() if name not in BOOTSTRAP}
    assert found == locked, {
        "installed, not locked": sorted(found.keys() - locked.keys()),
        "locked, not installed": sorted(locked.keys() - found.keys()),
        "other versions": {
            name: (found[name], locked[name])
            for name in found.keys() & locked.keys()
            if found[name] != locked[name]
        },
    }
