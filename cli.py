"""branda's command line: each command parses its options, calls one library function and prints."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from typing import Any

import click

__version__ = "0.1.0"


class BadInput(click.ClickException):
    """Bad input: one line on stderr, exit status 2, nothing on stdout."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"branda: error: {self.message}", err=True)


def output_options(command: Callable) -> Callable:
    """--format text|json and --lang en|lt, shared by every command that prints a result."""
    command = click.option("--lang", type=click.Choice(["en", "lt"]), default="en", show_default=True,
                           help="Language of the texts: English or Lithuanian.")(command)
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                        show_default=True, help="text for people, json for scripts.")(command)


def emit(fmt: str, text: Callable[[], str], data: Callable[[], Any]) -> None:
    """Print the text or the JSON form of a result."""
    if fmt == "json":
        click.echo(json.dumps(data(), ensure_ascii=False, indent=2))
    else:
        click.echo(text())


def read_profile(path: str, sets: tuple[str, ...]) -> Any:
    """Load a profile and apply --set overrides, turning bad input into exit 2."""
    from expert.errors import InputError
    from expert.profile import apply_sets, load_profile

    try:
        return apply_sets(load_profile(path), sets)
    except InputError as exc:
        raise BadInput(str(exc)) from None


def read_profile_sets(profile: Any, sets: tuple[str, ...]) -> Any:
    """Apply --set overrides to an already loaded profile, turning bad input into exit 2."""
    from expert.errors import InputError
    from expert.profile import apply_sets

    try:
        return apply_sets(profile, sets)
    except InputError as exc:
        raise BadInput(str(exc)) from None


set_option = click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
                          help="Override or add a fact (1-5; empty or ? for unknown). Repeatable.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="branda")
def cli() -> None:
    """branda rates an organisation's customer-service maturity on the article's five levels.

    \b
    Example:
      branda assess examples/retailer_level2.yaml
    """
    logging.basicConfig(level=logging.WARNING, format="branda: %(message)s")


@cli.command()
@click.argument("profiles", metavar="PROFILE...", nargs=-1, required=True)
@set_option
@click.option("--engine", type=click.Choice(["experta", "fast"]), default="experta", show_default=True,
              help="experta is the engine of record; fast evaluates the same rules in plain Python.")
@output_options
def assess(profiles: tuple[str, ...], sets: tuple[str, ...], engine: str, fmt: str, lang: str) -> None:
    """The level, its name, the diagnostics and a short reasoning summary for PROFILE.

    PROFILE is a .yaml, .yml, .json or .toml file with `facts:` (see `branda facts`). Several
    PROFILEs are several respondents for one organisation: they are combined into a consensus
    (the median answer per fact) and facts answered 2 or more points apart are reported.

    \b
    Examples:
      branda assess examples/retailer_stuck_level2.yaml --set cx_strategy=4 --lang lt
      branda assess ceo.yaml cfo.yaml head_of_service.yaml
    """
    from expert.assess import assess as run_assessment
    from expert.render import assessment_text
    from expert.serialize import assessment_json

    if len(profiles) == 1:
        result = run_assessment(read_profile(profiles[0], sets), engine)
    else:
        from expert.consensus import consensus, with_disagreement

        combined = consensus([read_profile(p, ()) for p in profiles])
        result = with_disagreement(run_assessment(read_profile_sets(combined.profile, sets), engine), combined)
    emit(fmt, lambda: assessment_text(result, lang), lambda: assessment_json(result, lang))


@cli.command()
@output_options
def facts(fmt: str, lang: str) -> None:
    """The vocabulary: every fact's name, polarity, question and article source, and the 1-5 scale.

    \b
    Example:
      branda facts --lang lt
    """
    from expert.render import facts_json, facts_text

    emit(fmt, lambda: facts_text(lang), lambda: facts_json(lang))


# --- why (explanations) ---
@cli.command()
@click.argument("profile", metavar="PROFILE")
@set_option
@click.option("--level", "target", metavar="N",
              help="Why not level N (above the concluded level), or how level N was established (at or below it).")
@click.option("--lang", type=click.Choice(["en", "lt"]), default="en", show_default=True,
              help="Language of the texts: English or Lithuanian.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "dot", "graph-json"]), default="text",
              show_default=True, help="text for people, json for scripts, dot or graph-json for the provenance graph.")
def why(profile: str, sets: tuple[str, ...], target: str | None, fmt: str, lang: str) -> None:
    """The full reasoning chain to PROFILE's level: each rule that fired, on which facts, concluding what.

    With --level N above the concluded level: every unmet condition on the way to N (fact, value, what is
    needed, the rule). The diagnostics are shown with the facts that raised them and the article's advice,
    and the unknown facts with the answers that could change the result.

    \b
    Examples:
      branda why examples/retailer_stuck_level2.yaml
      branda why examples/retailer_stuck_level2.yaml --level 3 --lang lt
      branda why examples/bank_level3.toml --format dot > why.dot
    """
    from expert.errors import InputError
    from expert.explain import explain, parse_level, why_json, why_text

    try:
        level = None if target is None else parse_level(target)
    except InputError as exc:
        raise BadInput(str(exc)) from None
    result = explain(read_profile(profile, sets), level)
    if fmt in ("dot", "graph-json"):
        from expert.provenance import graph_json, provenance_graph, to_dot

        graph = provenance_graph(result, lang)
        emit("json" if fmt == "graph-json" else "text", lambda: to_dot(graph), lambda: graph_json(graph))
    else:
        emit(fmt, lambda: why_text(result, lang), lambda: why_json(result, lang))
# --- end why ---

# --- whatif, graph, plan ---
# --- end whatif, graph, plan ---

# --- batch ---
# --- end batch ---

# --- interview, report ---
# --- end interview, report ---


def main() -> None:
    """Console-script entry point: internal errors exit 1 with one line, never a traceback."""
    try:
        cli.main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        click.echo(f"branda: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
