"""branda's command line: each command parses its options, calls one library function and prints."""

from __future__ import annotations

import errno
import functools
import json
import signal
import sys
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

if not __package__:  # `python cli.py` in a checkout that was never installed: the checkout is the package `branda`
    import importlib.util

    if importlib.util.find_spec("branda") is None:
        _spec = importlib.util.spec_from_file_location("branda", Path(__file__).with_name("__init__.py"),
                                                       submodule_search_locations=[str(Path(__file__).parent)])
        assert _spec is not None and _spec.loader is not None
        sys.modules["branda"] = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(sys.modules["branda"])

from branda.expert.errors import InputError, one_line
from branda.expert.terminal import terminal_safe

if TYPE_CHECKING:
    from branda.knowledge.model import Model


class BadInput(click.ClickException):
    """Bad input: one line on stderr, exit status 2, nothing on stdout."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"branda: error: {self.message}", err=True)


class BrandaGroup(click.Group):
    """The command group: every way a command can fail ends here as one line on stderr and an exit status.

    Bad input found anywhere in a command (an InputError) and a usage error (a missing argument, an unknown
    option, a value outside a choice) are one line and exit 2; Ctrl-C is exit 130; a closed pipe ends quietly.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise BadInput(str(exc)) from None

    def main(self, *args: Any, standalone_mode: bool = True, **extra: Any) -> Any:  # noqa: ARG002 - always ours
        extra["prog_name"] = "branda"  # also under `python cli.py` and click's test runner
        try:
            rv = super().main(*args, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "branda"
            click.echo(f"branda: error: {one_line(where)}: {one_line(exc.format_message())} "
                       f"('{one_line(where)} --help' shows how)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:  # Ctrl-C (click turns KeyboardInterrupt into Abort)
            click.echo("branda: stopped", err=True)
            sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else 0)


def out(text: str) -> None:
    """Print a result; when the reader has gone (`branda … | head`), stop quietly as a program killed by SIGPIPE."""
    try:
        click.echo(text)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more, not even at exit
        sys.exit(128 + signal.SIGPIPE)


def say(text: str) -> None:
    """Print text for a person: every control character from a file (ESC, CR, …) shown as an escape, never run."""
    out(terminal_safe(text))


class ModelChoice:
    """The model a command runs on: `--model DIR` (or BRANDA_MODEL), else the bundled one; loaded on first use."""

    def __init__(self, directory: str | None) -> None:
        self.directory = directory
        self._model: Model | None = None

    @property
    def model(self) -> Model:
        if self._model is None:
            from branda.knowledge.model import BUNDLED, ModelError, load_model

            try:
                self._model = load_model(self.directory or BUNDLED)
            except ModelError as exc:
                where = "--model" if self.directory else "the bundled model"
                raise BadInput(f"{where} {self.directory or ''}: {exc}".replace("  ", " ")) from None
        return self._model


def current_model() -> Model:
    """The model of the command being run."""
    choice = click.get_current_context().find_object(ModelChoice)
    return (choice or ModelChoice(None)).model


def with_model(command: Callable) -> Callable:
    """Hand the command the model in use as its first argument (click's make_pass_decorator, loaded lazily)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        return command(current_model(), *args, **kwargs)

    return run


def _check_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    languages = current_model().languages
    if value is None:
        return languages[0]
    if value not in languages:
        raise click.BadParameter(f"{value!r} is not one of {', '.join(map(repr, languages))} "
                                 "(the languages of the model)", ctx, param)
    return value


def _complete_lang(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    try:
        return [lang for lang in current_model().languages if lang.startswith(incomplete)]
    except click.ClickException:
        return []


lang_option = click.option("--lang", callback=_check_lang, shell_complete=_complete_lang, metavar="LANG",
                           help="Language of the texts: one of the model's languages (the bundled model: en, lt; "
                                "default: the model's first).")


def output_options(command: Callable) -> Callable:
    """--format text|json and --lang, shared by every command that prints a result."""
    command = lang_option(command)
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                        show_default=True, help="text for people, json for scripts.")(command)


def emit(fmt: str, text: Callable[[], str], data: Callable[[], Any]) -> None:
    """Print the text or the JSON form of a result."""
    if fmt == "json":
        out(json.dumps(data(), ensure_ascii=False, indent=2))
    else:
        say(text())


def read_profile(model: Model, path: str, sets: tuple[str, ...]) -> Any:
    """Load a profile and apply --set overrides."""
    from branda.expert.profile import apply_sets, load_profile

    return apply_sets(model, load_profile(model, path), sets)


def read_profiles(model: Model, paths: tuple[str, ...], sets: tuple[str, ...]) -> Any:
    """One organisation's profile from one file, or from several respondents' files combined as `assess A B C`
    combines them (the result carries the respondents; assessing it reports where they disagree); then --set."""
    if len(paths) == 1:
        return read_profile(model, paths[0], sets)
    from branda.expert.consensus import consensus
    from branda.expert.profile import apply_sets

    return apply_sets(model, consensus(model, [read_profile(model, p, ()) for p in paths]).profile, sets)


profiles_argument = click.argument("profiles", metavar="PROFILE...", nargs=-1, required=True)


set_option = click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
                          help="Override or add a fact (an answer on the scale; empty or ? for unknown). Repeatable.")


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--version: the installed package's version, read only when asked (a bare checkout says so)."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        shown = version("branda")
    except PackageNotFoundError:
        shown = "0+checkout (not installed)"
    click.echo(f"branda, version {shown}")
    ctx.exit()


@click.group(cls=BrandaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and exit.")
@click.option("--model", "model_dir", envvar="BRANDA_MODEL", metavar="DIR", type=click.Path(file_okay=False),
              help="The maturity model to use: a folder like `branda model export` writes (default: the bundled "
                   "article model; also BRANDA_MODEL).")
@click.pass_context
def cli(ctx: click.Context, model_dir: str | None) -> None:
    """branda rates an organisation's customer-service maturity on a maturity model (the article's five levels).

    \b
    Example:
      branda assess examples/retailer_stuck_level2.yaml
    """
    ctx.obj = ModelChoice(model_dir)


@cli.command()
@click.argument("profiles", metavar="PROFILE...", nargs=-1, required=True)
@set_option
@click.option("--engine", type=click.Choice(["experta", "fast"]), default="experta", show_default=True,
              help="experta is the engine of record; fast evaluates the same rules in plain Python.")
@output_options
@with_model
def assess(model: Model, profiles: tuple[str, ...], sets: tuple[str, ...], engine: str, fmt: str, lang: str) -> None:
    """The level, its name, the diagnostics and a short reasoning summary for PROFILE.

    PROFILE is a .yaml, .yml, .json or .toml file with `facts:` (see `branda facts`). Several
    PROFILEs are several respondents for one organisation: they are combined into a consensus
    (the median answer per fact) and facts answered 2 or more points apart are reported.

    \b
    Examples:
      branda assess examples/retailer_stuck_level2.yaml --set cx_strategy=4 --lang lt
      branda assess ceo.yaml cfo.yaml head_of_service.yaml
    """
    from branda.expert.assess import assess as run_assessment
    from branda.expert.render import assessment_text
    from branda.expert.serialize import assessment_json

    result = run_assessment(model, read_profiles(model, profiles, sets), engine)
    emit(fmt, lambda: assessment_text(result, lang), lambda: assessment_json(result, lang))


@cli.command()
@output_options
@with_model
def facts(model: Model, fmt: str, lang: str) -> None:
    """The vocabulary: every fact's name, polarity, question and source, and the answer scale.

    \b
    Example:
      branda facts --lang lt
    """
    from branda.expert.render import facts_json, facts_text

    emit(fmt, lambda: facts_text(model, lang), lambda: facts_json(model, lang))


@cli.command()
@profiles_argument
@set_option
@click.option("--level", "target", metavar="N",
              help="Why not level N (above the concluded level), or how level N was established (at or below it).")
@lang_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "dot", "graph-json"]), default="text",
              show_default=True, help="text for people, json for scripts, dot or graph-json for the provenance graph.")
@with_model
def why(model: Model, profiles: tuple[str, ...], sets: tuple[str, ...], target: str | None, fmt: str, lang: str) -> None:
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
    from branda.expert.explain import explain, parse_level, why_json, why_text

    level = None if target is None else parse_level(model, target)
    result = explain(model, read_profiles(model, profiles, sets), level)
    if fmt in ("dot", "graph-json"):
        from branda.expert.provenance import graph_json, provenance_graph, to_dot

        graph = provenance_graph(result, lang)
        emit("json" if fmt == "graph-json" else "text", lambda: to_dot(graph), lambda: graph_json(graph))
    else:
        emit(fmt, lambda: why_text(result, lang), lambda: why_json(result, lang))

@cli.command()
@profiles_argument
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
              help="A change to try (1-5; empty or ? for unknown). Repeatable; together they are one scenario.")
@click.option("--scenario", "scenarios", multiple=True, metavar="FILE",
              help="A scenario file: `name:` and `changes:` {fact: value}. Repeatable; each is one column.")
@output_options
@with_model
def whatif(model: Model, profiles: tuple[str, ...], sets: tuple[str, ...], scenarios: tuple[str, ...], fmt: str,
           lang: str) -> None:
    """PROFILE before and after the changes, side by side: level, diagnostics, conclusions gained and lost.

    The profile file is only read, never changed. With several --scenario files, --format json
    prints a list of whatif objects, one per scenario, each with its "scenario" name.

    \b
    Examples:
      branda whatif examples/retailer_stuck_level2.yaml --set quick_wins_focus=2 --set internal_alignment=4
      branda whatif examples/bank_level3.toml --scenario analytics.yaml --scenario scorecard.yaml
    """
    from branda.expert.whatif import compare_all, load_scenario, scenario_from_sets, whatif_json, whatif_text

    base = read_profiles(model, profiles, ())
    plans = ([scenario_from_sets(model, sets)] if sets else []) + [load_scenario(model, s) for s in scenarios]
    if not plans:
        raise BadInput("whatif needs the changes to try: --set NAME=VALUE (repeatable) or --scenario FILE")
    result = compare_all(model, base, plans)
    emit(fmt, lambda: whatif_text(result, lang), lambda: whatif_json(result, lang))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "dot", "mermaid", "json", "graphml"]), default="text",
              show_default=True, help="text for people; dot, mermaid, json (networkx node-link) or graphml.")
@lang_option
@with_model
def graph(model: Model, fmt: str, lang: str) -> None:
    """The transition graph: the model's levels, the moves up (what each needs, the actions), fall-backs, the risk.

    A level falls back when one of its own conditions lapses; the risk of falling back (resting on
    laurels) only warns and keeps the level, so it is marked on the levels it applies to.

    \b
    Examples:
      branda graph
      branda graph --format mermaid --lang lt
      branda graph --format graphml > transitions.graphml
    """
    from branda.expert.transitions import render_graph

    say(render_graph(model, fmt, lang))


@cli.command()
@profiles_argument
@click.option("--target", metavar="N", help="The level to plan for (default: the next level).")
@set_option
@output_options
@with_model
def plan(model: Model, profiles: tuple[str, ...], target: str | None, sets: tuple[str, ...], fmt: str, lang: str) -> None:
    """A roadmap from PROFILE's level to level N: the path, the smallest fact changes, the actions step by step.

    The smallest change sets are computed exactly from the rule conditions and each is checked
    with the engine before it is shown.

    \b
    Examples:
      branda plan examples/retailer_stuck_level2.yaml
      branda plan examples/logistics_level1.yaml --target 3 --lang lt
    """
    from branda.expert.explain import parse_level
    from branda.expert.plan import make_plan, plan_json, plan_text

    level = None if target is None else parse_level(model, target, "--target")
    result = make_plan(model, read_profiles(model, profiles, sets), level)
    emit(fmt, lambda: plan_text(result, lang), lambda: plan_json(result, lang))

@cli.command()
@click.argument("file", metavar="FILE.csv|FILE.xlsx")
@click.option("--map", "map_file", metavar="MAP.yaml",
              help="What the headers do not say: `columns: {header: fact}`, `answers: {label: value}`, "
                   "`organisation: header`, `respondent: header`.")
@click.option("--by", metavar="COLUMN",
              help="The column whose rows are one organisation's respondents (default: the organisation column).")
@click.option("--out", metavar="FILE", help="Write every organisation's result to FILE: .csv (the input columns "
                                            "plus level, level_name, diagnostics) or .json (a list of assess objects).")
@click.option("--engine", type=click.Choice(["fast", "experta"]), default="fast", show_default=True,
              help="fast evaluates the rules in plain Python; experta runs the engine of record (same results).")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Worker processes (default: 2 from 2,000 rows, else 1; at most the CPUs this process may use).")
@output_options
@click.pass_context
@with_model
def batch(model: Model, ctx: click.Context, file: str, map_file: str | None, by: str | None, out: str | None,
          engine: str, jobs: int | None, fmt: str, lang: str) -> None:
    """Assess every organisation in FILE (CSV or XLSX) and summarise the levels, diagnostics and blockers.

    FILE is a table with one organisation a row (header: `organisation`, then fact names) or a form
    tool's export with one respondent a row: the questions (as `branda survey template` writes them, in
    any language) as headers, scale labels or numbers as answers. A survey's rows with the same
    organisation (or --by COLUMN) are combined as `assess A B C` combines respondents. Columns that
    are no fact (an ID, a time, an e-mail) are ignored and named once. Every row is checked as it is
    read: any bad cell is reported on its own line (file, line, column, value), and then nothing is
    written.

    \b
    Examples:
      branda batch survey.csv
      branda batch survey.csv --out results.json --lang lt
      branda batch examples/surveys/forms_export.xlsx --out results.csv
      branda batch export.csv --map map.yaml --by Department --format json
    """
    import os
    import stat
    from pathlib import Path

    from branda.expert.batch import Interrupted, Refused, available_cpus, run_batch, summary_json, summary_text
    from branda.expert.csvio import out_format
    from branda.expert.survey import load_map

    kind = None if out is None else out_format(Path(out), Path(file))
    survey_map = load_map(model, map_file) if map_file else None
    if jobs is not None and jobs > (cpus := available_cpus()):
        click.echo(model.text("batch_jobs_capped", lang, jobs=jobs, cpus=cpus), err=True)
        jobs = cpus
    bar: Any = None

    def problem(exc: InputError) -> None:
        if bar is not None and not getattr(bar, "hidden", False):  # end the bar's line before the first error
            bar.render_finish()
            bar.hidden = True
        click.echo(f"branda: error: {exc}", err=True)

    def ignored(headers: tuple[str, ...]) -> None:
        quote = "„{}“" if lang == "lt" else "\"{}\""
        columns = ", ".join(quote.format(" ".join(h.split())) for h in headers)
        click.echo(terminal_safe(model.text("survey_ignored", lang, columns=columns)), err=True)

    def run(progress: Callable[[int, int], None] | None = None) -> Any:
        return run_batch(model, file, Path(out) if out else None, kind, lang, engine, jobs, progress, problem,
                         survey_map=survey_map, by=by, on_ignored=ignored)

    try:
        if not sys.stderr.isatty():
            summary = run()
        else:  # a regular CSV file's bar counts bytes (so it knows the end); a pipe's or a workbook's counts rows
            try:
                info = os.stat(file)
                size = info.st_size if stat.S_ISREG(info.st_mode) and not file.lower().endswith(".xlsx") else 0
            except OSError:
                size = 0
            label = model.text("batch_progress", lang)
            with (click.progressbar(length=size, label=label, file=sys.stderr) if size else
                  click.progressbar((n for n in ()), label=label, file=sys.stderr, show_pos=True)) as bar:
                done = 0

                def progress(rows: int, position: int) -> None:
                    nonlocal done
                    if not getattr(bar, "hidden", False):
                        bar.update((position if size else rows) - done)
                    done = position if size else rows

                summary = run(progress)
    except Refused:  # each problem is on stderr already
        ctx.exit(2)
    except Interrupted as exc:  # SIGTERM or SIGHUP: the workers and the temporary file are gone
        ctx.exit(exc.status)
    emit(fmt, lambda: summary_text(summary, lang), lambda: summary_json(summary, lang))


@cli.group("survey")
def survey_group() -> None:
    """Survey questionnaires: the form a consultant sends to several people per organisation.

    \b
    Example:
      branda survey template --lang lt --format xlsx --out klausimynas.xlsx
    """


@survey_group.command("template")
@lang_option
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]),
              help="csv (the header row) or xlsx (the header row, and a sheet with the answers' scale); "
                   "default: --out's extension, else csv.")
@click.option("--out", "out_file", metavar="FILE", help="The file to write (default: CSV on stdout; XLSX needs --out).")
@with_model
def survey_template(model: Model, lang: str, fmt: str | None, out_file: str | None) -> None:
    """The questionnaire: the organisation, the respondent and every fact's question in --lang, one a column.

    Paste the questions into a form tool (Microsoft Forms, Google Forms, Qualtrics…) with the scale's
    labels as the answers; its export (CSV or XLSX) then goes to `branda batch` with no --map.

    \b
    Examples:
      branda survey template --lang lt --out klausimynas.csv
      branda survey template --format xlsx --out questionnaire.xlsx
    """
    from branda.expert.survey import template, template_format, write_template
    from branda.expert.words import counted

    kind = template_format(out_file, fmt)
    if out_file is None:
        out(str(template(model, lang, kind)).rstrip("\n"))
        return
    write_template(model, out_file, lang, kind)
    say(model.text("survey_template_written", lang, path=out_file, scale=model.scale_words(lang),
                   questions=counted(model, len(model.facts), "noun_question", lang)))


def _read_answer(prompt: str) -> str:
    """One line from stdin after `prompt`; from a pipe the answer is echoed so that the transcript reads well.

    Bytes that are not text in the terminal's encoding become U+FFFD instead of an error; what is echoed and
    prompted is shown with its control characters escaped (expert.terminal).
    """
    from branda.expert.terminal import terminal_safe

    click.echo(terminal_safe(prompt), nl=False)
    raw = getattr(sys.stdin, "buffer", None)
    if raw is not None:
        line = raw.readline().decode(sys.stdin.encoding or "utf-8", "replace")
    else:
        line = sys.stdin.readline()
    if not line:
        click.echo()
        raise EOFError
    if not sys.stdin.isatty():
        click.echo(terminal_safe(line.rstrip("\r\n")))
    return line.rstrip("\r\n")


@cli.command()
@click.option("--out", metavar="FILE.yaml",
              help="The profile to save the answers to (and to resume from). Default: interview.yaml here.")
@lang_option
@with_model
def interview(model: Model, out: str | None, lang: str) -> None:
    """Ask the fact questions one at a time, the most informative first, then assess.

    Each answer (1-5, ? = don't know, b = back one question, q = stop) is saved to --out at once; run the same
    command again to go on where you stopped. First come the questions that can change the level or a
    diagnostic, then those the plan to the next level needs; then it offers the rest.

    \b
    Example:
      branda interview --out acme.yaml --lang lt
    """
    from branda.expert.terminal import CtrlC

    with CtrlC() as ctrl_c:  # first of all: from here on a Ctrl-C stops with its one line, never "Aborted!"
        try:
            from branda.expert.interview import Console, interview_command
        except KeyboardInterrupt:  # still loading: nothing was asked or saved
            click.echo()
            click.echo(model.text("interview_stopped_nothing", lang))
            sys.exit(130)
        status = interview_command(model, out, lang, Console(_read_answer, say), ctrl_c)
    if status:
        sys.exit(status)


@cli.command()
@click.argument("profiles", metavar="PROFILE...", nargs=-1, required=True)
@click.option("--out", required=True, metavar="FILE.html|FILE.md|FILE.pdf",
              help="The report file: HTML (.html, .htm), Markdown (.md) or PDF (.pdf), chosen by the extension.")
@click.option("--appendix", is_flag=True,
              help="Add the consultant's detail: every criterion with each condition and every rule applied.")
@click.option("--previous", "previous", multiple=True, metavar="OLD",
              help="An earlier assessment's profile of the same organisation: adds the progress over time and what "
                   "changed. Repeatable; files with the same assessed_on are one assessment's respondents.")
@click.option("--peers", "peers", metavar="SURVEY",
              help="A batch input (CSV or XLSX: one organisation a row, or a survey export of respondents): places "
                   "the client among its organisations.")
@set_option
@lang_option
@with_model
def report(model: Model, profiles: tuple[str, ...], out: str, appendix: bool, previous: tuple[str, ...],
           peers: str | None, sets: tuple[str, ...], lang: str) -> None:
    """A client-ready report on PROFILE: a one-page summary, why, what stands before the next level, the
    findings with the article's advice, the roadmap and pictures.

    HTML is self-contained (inline SVG pictures, no scripts, fonts or links to fetch) and prints on A4; PDF is
    the same page laid out by WeasyPrint (pip install 'branda[pdf]'); Markdown shows the pictures as tables.
    Several PROFILEs are one organisation's respondents, combined as `assess` combines them. --previous adds
    the level over time and what moved it (as `branda compare` says it); --peers the share of the peers at
    each level and the client's place among them. The file is written whole or not at all.

    \b
    Examples:
      branda report examples/retailer_stuck_level2.yaml --out prekyba.html --lang lt
      branda report examples/bank_level3.toml --out bank.pdf
      branda report examples/respondents/*.yaml --out board.md --appendix
      branda report examples/history/acme_2026.yaml --previous examples/history/acme_2025_ceo.yaml \\
        --previous examples/history/acme_2025_cfo.yaml --peers examples/surveys/peers.csv --out acme.pdf
    """
    from branda.expert.profile import load_profile
    from branda.expert.report import report_kind, write_report
    from branda.expert.survey import organisations

    kind = report_kind(model, out, lang)
    if kind == "pdf":
        from branda.expert.pdf import weasyprint

        weasyprint(model, out, lang)  # missing: one line naming the install step, before any work
    profile = read_profiles(model, profiles, sets)
    earlier = [load_profile(model, p) for p in previous]
    others = [(name, p.facts) for name, p in organisations(model, peers)] if peers else None
    write_report(model, profile, out, kind, lang, appendix, earlier, others)
    say(model.text("report_written", lang, path=out))


@cli.command("compare")
@click.argument("profiles", metavar="PROFILE...", nargs=-1, required=True)
@output_options
@with_model
def compare_command(model: Model, profiles: tuple[str, ...], fmt: str, lang: str) -> None:
    """One organisation's assessments over time: each level, the facts that changed and what moved the level.

    The assessments are ordered by `assessed_on`; files with the same date are several respondents of one
    assessment (combined as `branda assess A B C` does); a file without a date is its own assessment and keeps
    its place in the order given. The text says when a level was lost or reached and which answers did it.

    \b
    Examples:
      branda compare examples/history/*.yaml
      branda compare acme_2025.yaml acme_2026.yaml --lang lt --format json
    """
    from branda.expert.compare import comparison_json, comparison_text, load_history

    result = load_history(model, profiles)
    emit(fmt, lambda: comparison_text(result, lang), lambda: comparison_json(result, lang))


@cli.group("model")
def model_group() -> None:
    """Your own maturity model: check a model folder, export the bundled one to start from, show the one in use.

    \b
    Examples:
      branda model export my-model
      branda model check my-model
      branda --model my-model assess examples/bank_level3.toml
    """


@model_group.command("check")
@click.argument("directory", metavar="DIR")
def model_check(directory: str) -> None:
    """Check the model in DIR: every problem as one line `FILE: KEY: problem` (exit 2), or a one-line summary."""
    from branda.expert.models import check_text

    lines, status = check_text(directory)
    for line in lines:
        if status:
            click.echo(f"branda: error: {terminal_safe(line)}", err=True)
        else:
            say(line)
    if status:
        sys.exit(status)


@model_group.command("export")
@click.argument("directory", metavar="DIR")
def model_export(directory: str) -> None:
    """Write the bundled model into DIR (new or empty) as a starting point for your own."""
    from branda.expert.models import export_model

    written = export_model(directory)
    say(f"{directory}: {len(written)} files written; edit them, then `branda model check {directory}`")


@model_group.command("show")
@output_options
@with_model
def model_show(model: Model, fmt: str, lang: str) -> None:
    """The model in use (--model DIR, BRANDA_MODEL or the bundled one): levels, facts, rules, diagnostics, languages."""
    from branda.expert.models import model_json, model_text

    emit(fmt, lambda: model_text(model, lang), lambda: model_json(model, lang))


class Terminated(SystemExit):
    """SIGTERM or SIGHUP: leave as an exception does, so that every `finally` (temporaries, workers) runs."""


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated(128 + signum)


def main() -> None:
    """Console-script entry point: internal errors exit 1 with one line, never a traceback."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name) and signal.getsignal(getattr(signal, name)) is not signal.SIG_IGN:  # nohup
            signal.signal(getattr(signal, name), _terminate)
    try:
        cli.main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        click.echo(f"branda: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    finally:
        _done()


def _done() -> None:
    """The command has finished: hide what is left from the garbage collector, whose passes as the interpreter
    shuts down would only walk objects the operating system is about to free (some 20 ms of a 10,000-row
    batch's 0.43 s). Everything else about the exit (flushing, atexit, a profiler's report) is as usual."""
    import gc

    gc.freeze()


if __name__ == "__main__":
    main()
