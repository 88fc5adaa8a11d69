#!/usr/bin/python3
"""Drift test: the CLI's --help, the man page and the three completion files
must name the same commands and options.

Every command and option that `claimcheck [<command>] --help` shows must
appear in man/claimcheck.1 and in completions/{claimcheck.bash,_claimcheck,
claimcheck.fish}; every option those files name must exist in some --help
(nothing stale). Usage: drift_test.py <claimcheck binary> <source root>
"""
import re
import subprocess
import sys
from pathlib import Path

OPTION_RE = re.compile(r"(?<![\w\\-])(--[a-z][a-z0-9-]*)")


def help_text(binary, *command):
    out = subprocess.run([binary, *command, "--help"], capture_output=True,
                         text=True, check=True)
    return out.stdout


def parse_help(text):
    """Options (long and short) and subcommands listed by CLI11's help."""
    options, commands, section = set(), set(), None
    for line in text.splitlines():
        heading = re.match(r"^([A-Z][A-Za-z ]*):\s*$", line)
        if heading:
            section = heading.group(1)
            continue
        if section == "Subcommands":
            m = re.match(r"^\s{2}([a-z][a-z-]*)\b", line)
            if m:
                commands.add(m.group(1))
            continue
        m = re.match(r"^\s{2}(-\S+)", line)
        if m:
            for token in m.group(1).split(","):
                token = token.split("=")[0]
                if re.fullmatch(r"--?[A-Za-z][\w-]*", token):
                    options.add(token)
    return options, commands


def long_options(options):
    return {o for o in options if o.startswith("--")}


def man_options(text):
    # roff writes '-' as '\-'; fold it back before looking for options.
    return set(OPTION_RE.findall(text.replace("\\-", "-").replace("\\(em", "")))


def command_section(kind, text, command):
    """The part of a file that documents or completes one command."""
    if kind == "man page":
        m = re.search(rf"^\.SS {command}\b(.*?)(?=^\.S[SH] )", text, re.S | re.M)
    elif kind == "fish completion":
        lines = [l for l in text.splitlines()
                 if re.search(rf"__fish_seen_subcommand_from [a-z ]*\b{command}\b", l)]
        return "\n".join(lines)
    else:  # bash and zsh: a `case` arm `<command>)` up to its `;;`
        m = re.search(rf"^\s+{command}\)(.*?);;", text, re.S | re.M)
    return m.group(1) if m else ""


def section_options(kind, section):
    if kind == "fish completion":
        return {"--" + p for p in re.findall(r"-l\s+([a-z][a-z0-9-]*)", section)}
    if kind == "man page":
        return man_options(section)
    return set(OPTION_RE.findall(section))


def main():
    binary, root = sys.argv[1], Path(sys.argv[2])
    global_opts, commands = parse_help(help_text(binary))
    assert commands, "no subcommands found in claimcheck --help"
    per_command = {c: parse_help(help_text(binary, c))[0] for c in sorted(commands)}
    every_long = long_options(global_opts).union(*(long_options(o) for o in per_command.values()))

    files = {
        "man page": (root / "man" / "claimcheck.1").read_text(),
        "bash completion": (root / "completions" / "claimcheck.bash").read_text(),
        "zsh completion": (root / "completions" / "_claimcheck").read_text(),
        "fish completion": (root / "completions" / "claimcheck.fish").read_text(),
    }
    problems = []
    for name, text in files.items():
        flat = text.replace("\\-", "-")
        for command in commands:
            if not re.search(rf"(?<![\w-]){command}(?![\w-])", flat):
                problems.append(f"{name}: command '{command}' is missing")
        wanted = long_options(global_opts).union(*(long_options(o) for o in per_command.values()))
        if name == "fish completion":
            # fish names long options without dashes: `-l threshold`
            present = set(re.findall(r"^complete .*?-l\s+([a-z][a-z0-9-]*)", text, re.M))
            present = {"--" + p for p in present}
        else:
            present = man_options(text) if name == "man page" else set(OPTION_RE.findall(text))
        for option in sorted(wanted - present):
            problems.append(f"{name}: option '{option}' is missing")
        stale = present - every_long
        for option in sorted(stale):
            problems.append(f"{name}: option '{option}' is not in any --help (stale)")
    # Per command: each command's own options sit in its section, and its
    # section names no option the command does not have.
    global_long = long_options(global_opts)
    for name, text in files.items():
        for command, options in per_command.items():
            own = long_options(options) - global_long
            present = section_options(name, command_section(name, text, command)) - global_long
            for option in sorted(own - present):
                problems.append(f"{name}: '{command}' section lacks '{option}'")
            for option in sorted(present - own):
                problems.append(f"{name}: '{command}' section names '{option}', which it does not have")
    for problem in problems:
        print(problem)
    checked = len(every_long) * len(files)
    print(f"drift: {len(commands)} commands, {len(every_long)} long options, "
          f"{checked} (option, file) pairs checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
