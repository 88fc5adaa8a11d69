#!/usr/bin/python3
"""Drift test: the CLI's --help, the man page and the three completion files
(generated into the build directory by docgen) must name the same commands
and options and say the same about them, and README's tables must be the
settings and exit-status tables.

Every command and option that `claimcheck [<command>] --help` shows must
appear in the man page and in the bash, zsh and fish completions; every
option those files name must exist in some --help (nothing stale). Each
option's --help description must be the man page's, zsh's and fish's, and
its default the man page's. Usage: drift_test.py <claimcheck binary>
<source root> <man page> <bash> <zsh> <fish completion> <docgen binary>
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


def parse_descriptions(text):
    """{long option: (description, default)} from CLI11's help; a description
    too wide for the first line starts on the next one."""
    found, lines = {}, text.splitlines()
    for i, line in enumerate(lines):
        # names, then the value's type name, then after 2+ spaces the description
        m = re.match(r"^  (-\S+)( [^ ].*?)?(?:\s{2,}(\S.*))?$", line)
        if not m:
            continue
        longs = [t.split("=")[0] for t in m.group(1).split(",") if t.startswith("--")]
        description = m.group(3) or ""
        if not description and i + 1 < len(lines) and re.match(r"^\s{20,}\S", lines[i + 1]):
            description = lines[i + 1].strip()
        default = re.search(r" \(default (.*)\)$", description)
        if default:
            description = description[:default.start()]
        for name in longs:
            found[name] = (description, default.group(1) if default else None)
    return found


def roff_text(text):
    """What a reader of the man page sees, near enough to compare."""
    for code, plain in (("\\-", "-"), ("\\fB", ""), ("\\fR", ""), ("\\fI", ""),
                        ("\\e", "\\"), ("\\&", "")):
        text = text.replace(code, plain)
    return text


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
                 if re.search(rf"__claimcheck_command_is {command}\b", l)]
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

    man, bash, zsh, fish, docgen = (Path(p) for p in sys.argv[3:8])
    files = {
        "man page": man.read_text(),
        "bash completion": bash.read_text(),
        "zsh completion": zsh.read_text(),
        "fish completion": fish.read_text(),
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
    content_checks = check_content(binary, commands, files, problems) + check_zsh_value_syntax(files, problems)
    content_checks += check_readme(root, docgen, problems)
    content_checks += check_inspect_statuses(root, files["man page"], problems)
    for problem in problems:
        print(problem)
    checked = len(every_long) * len(files)
    print(f"drift: {len(commands)} commands, {len(every_long)} long options, "
          f"{checked} (option, file) pairs checked, {content_checks} content checks, "
          f"{len(problems)} problems")
    return 1 if problems else 0


def check_content(binary, commands, files, problems):
    """Each option's description (and default) as --help gives it, in the man
    page's, zsh's and fish's entry for the same command."""
    checks = 0
    man = files["man page"]
    zsh = files["zsh completion"].replace("'\\''", "'")
    for escaped in ("[", "]", ":"):
        zsh = zsh.replace("\\" + escaped, escaped)
    fish = files["fish completion"].replace("\\'", "'")
    global_help = parse_descriptions(help_text(binary))
    sections = {None: (re.search(r"^\.SH GLOBAL OPTIONS(.*?)^\.SH ", man, re.S | re.M).group(1),
                       global_help)}
    for command in sorted(commands):
        own = parse_descriptions(help_text(binary, command))
        own = {k: v for k, v in own.items() if k not in global_help}
        sections[command] = (command_section("man page", man, command), own)
    for command, (man_section, options) in sections.items():
        man_plain = roff_text(man_section)
        if command is None:
            fish_lines = [l for l in fish.splitlines() if l.startswith("complete") and " -n " not in l]
            zsh_part = zsh
        else:
            fish_lines = command_section("fish completion", fish, command).splitlines()
            zsh_part = command_section("zsh completion", zsh, command)
        where = command or "global"
        for option, (description, default) in sorted(options.items()):
            if not description:
                continue
            checks += 3
            sentence = description if description.endswith(".") else description + "."
            if sentence not in man_plain:
                problems.append(f"man page: {where} {option}: lacks its description '{description}'")
            if f"[{description}]" not in zsh_part:
                problems.append(f"zsh completion: {where} {option}: lacks its description '{description}'")
            line = [l for l in fish_lines if f"-l {option[2:]} " in l]
            if not line or f"-d '{description}'" not in line[0]:
                problems.append(f"fish completion: {where} {option}: lacks its description '{description}'")
            if default is not None:
                checks += 1
                if f"Default: {default}." not in man_plain:
                    problems.append(f"man page: {where} {option}: lacks 'Default: {default}.'")
            elif sentence in man_plain:
                # The man page states a default right after the description: --help must
                # too (a switch's false or true aside: CLI11 shows none for a flag).
                after = man_plain[man_plain.index(sentence) + len(sentence):].lstrip()
                checks += 1
                if after.startswith("Default:") and not after.startswith(("Default: false.", "Default: true.")):
                    problems.append(f"--help: {where} {option}: shows no default, the man page does")
    return checks


def check_zsh_value_syntax(files, problems):
    """A short option takes its value in the next word or joined (-oFILE), never
    after '=' (-o=FILE is a file named '=FILE'): zsh must offer '-o+', not '-o='."""
    for spec in re.findall(r"[*)']-[A-Za-z]=\[", files["zsh completion"]):
        problems.append(f"zsh completion: {spec[1:-1]}: a short option offered with '=' (use '+')")
    return 1


def check_readme(root, docgen, problems):
    """README's settings and exit-code tables are the tables docgen prints."""
    readme = (root / "README.md").read_text().splitlines()
    wanted = subprocess.run([docgen, "readme"], capture_output=True, text=True,
                            check=True).stdout.splitlines()
    for line in wanted:
        if line and line not in readme:
            problems.append(f"README.md: lacks the table line '{line}'")
    return len([l for l in wanted if l])


def check_inspect_statuses(root, man_text, problems):
    """Every status inspect can give (its names in lib/scanner/inspect.cpp)
    is explained in the man page's list of statuses."""
    source = (root / "lib" / "scanner" / "inspect.cpp").read_text()
    statuses = re.findall(r'case CheckStatus::\w+: return "([a-z-]+)";', source)
    assert statuses, "no status names found in lib/scanner/inspect.cpp"
    listed = man_text[man_text.find("Each reference gets a status:"):]
    for status in statuses:
        if not re.search(r"^\.BR? " + re.escape(status.replace("-", "\\-")) + r"(\s|$)", listed, re.M):
            problems.append(f"man page: inspect status '{status}' is not explained")
    return len(statuses)


if __name__ == "__main__":
    sys.exit(main())
