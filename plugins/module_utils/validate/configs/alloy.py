# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Parse Grafana Alloy configuration files and check them without an Alloy binary.

Written from the Alloy v1 documentation (https://grafana.com/docs/alloy/latest/get-started/syntax/ and
the component reference of the components below, Alloy v1.20):

* syntax: blocks (``name.sub "label" { ... }``), attributes (``name = expression``), one statement per
  line, ``//`` and ``/* */`` comments, strings with Go-style escapes and backtick raw strings, numbers,
  ``true``/``false``/``null``, arrays and objects (a trailing comma is required when the closing bracket
  is on another line), operators with the usual precedence, member access, indexing and calls;
* references between components: ``<component name>.<label>.<export>`` must name a component declared
  in the same file (or module) and one of its exports, ``forward_to`` lists must hold receivers, the
  component graph must not have cycles;
* components: the arguments and blocks of the components this collection generates (discovery.*,
  local.file_match, loki.*) are checked by name; unknown component names in known namespaces are
  reported as warnings (not checked), unknown namespaces as errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import ERROR, WARNING, for_object

RULE = "ALLOY_CONFIG"
CONFIG_KEY = "config.alloy"
APP_LABEL = "app.kubernetes.io/name"


class AlloySyntaxError(Exception):
    """The text is not valid Alloy syntax; the message says where and why."""

    def __init__(self, line, column, message):
        super().__init__("line %d, column %d: %s" % (line, column, message))
        self.line, self.column, self.reason = line, column, message


# --- lexer ------------------------------------------------------------------------------------

@dataclass
class Token:
    kind: str  # ident, string, number, op, newline, eof
    value: object
    line: int
    column: int


_OPERATORS = ("||", "&&", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "^", "!",
              "=", "{", "}", "[", "]", "(", ")", ",", ".")
_ESCAPES = {"\\": "\\", "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
            "'": "'", '"': '"'}
_IDENT = re.compile(r"[^\W\d]\w*", re.UNICODE)
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def tokenize(text):
    """The tokens of ``text``; newlines are tokens (they end statements)."""
    tokens = []
    pos, line, col = 0, 1, 1
    n = len(text)

    def advance(count):
        nonlocal pos, line, col
        for ch in text[pos:pos + count]:
            if ch == "\n":
                line += 1
                col = 1
            else:
                col += 1
        pos += count

    while pos < n:
        ch = text[pos]
        if ch in " \t\r":
            advance(1)
        elif ch == "\n":
            tokens.append(Token("newline", "\n", line, col))
            advance(1)
        elif text.startswith("//", pos):
            end = text.find("\n", pos)
            advance((end if end >= 0 else n) - pos)
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            if end < 0:
                raise AlloySyntaxError(line, col, "block comment is not closed with */")
            start_line, start_col = line, col
            had_newline = "\n" in text[pos:end]
            advance(end + 2 - pos)
            if had_newline:
                tokens.append(Token("newline", "\n", start_line, start_col))
        elif ch == '"':
            tokens.append(_string(text, pos, line, col))
            advance(tokens[-1].column_end - pos)
        elif ch == "`":
            end = text.find("`", pos + 1)
            if end < 0:
                raise AlloySyntaxError(line, col, "raw string is not closed with a backtick")
            tokens.append(Token("string", text[pos + 1:end], line, col))
            advance(end + 1 - pos)
        elif ch.isdigit():
            match = _NUMBER.match(text, pos)
            raw = match.group(0)
            tokens.append(Token("number", float(raw) if any(c in raw for c in ".eE") else int(raw), line, col))
            advance(len(raw))
        elif _IDENT.match(text, pos):
            word = _IDENT.match(text, pos).group(0)
            tokens.append(Token("ident", word, line, col))
            advance(len(word))
        else:
            for op in _OPERATORS:
                if text.startswith(op, pos):
                    tokens.append(Token("op", op, line, col))
                    advance(len(op))
                    break
            else:
                raise AlloySyntaxError(line, col, "unexpected character %r" % ch)
    tokens.append(Token("eof", None, line, col))
    return tokens


def _string(text, start, line, col):
    out = []
    pos = start + 1
    while True:
        if pos >= len(text) or text[pos] == "\n":
            raise AlloySyntaxError(line, col, "string is not closed with \" on the same line")
        ch = text[pos]
        if ch == '"':
            token = Token("string", "".join(out), line, col)
            token.column_end = pos + 1
            return token
        if ch == "\\":
            nxt = text[pos + 1:pos + 2]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                pos += 2
            elif nxt == "x" and re.match(r"[0-9A-Fa-f]{2}", text[pos + 2:pos + 4]):
                out.append(chr(int(text[pos + 2:pos + 4], 16)))
                pos += 4
            elif nxt == "u" and re.match(r"[0-9A-Fa-f]{4}", text[pos + 2:pos + 6]):
                out.append(chr(int(text[pos + 2:pos + 6], 16)))
                pos += 6
            elif nxt == "U" and re.match(r"[0-9A-Fa-f]{8}", text[pos + 2:pos + 10]):
                out.append(chr(int(text[pos + 2:pos + 10], 16)))
                pos += 10
            elif re.match(r"[0-7]{3}", text[pos + 1:pos + 4]):
                out.append(chr(int(text[pos + 1:pos + 4], 8)))
                pos += 4
            else:
                raise AlloySyntaxError(line, col + (pos - start), "unknown escape sequence \\%s in string" % nxt)
        else:
            out.append(ch)
            pos += 1


# --- syntax tree ------------------------------------------------------------------------------

@dataclass
class Expr:
    kind: str  # literal, ident, access, index, call, array, object, unary, binary, paren
    value: object = None  # literal value, identifier, member name, operator
    children: list = field(default_factory=list)
    keys: list = field(default_factory=list)  # object keys
    line: int = 0
    column: int = 0


@dataclass
class Attribute:
    name: str
    value: Expr
    line: int
    column: int


@dataclass
class Block:
    name: str  # dotted, e.g. loki.source.file or stage.cri
    label: object  # str or None
    body: list  # Attribute and Block items, in order
    line: int
    column: int

    def attributes(self):
        return {item.name: item for item in self.body if isinstance(item, Attribute)}

    def blocks(self, name=None):
        return [item for item in self.body if isinstance(item, Block) and (name is None or item.name == name)]


# --- parser -----------------------------------------------------------------------------------

_PRECEDENCE = [("||",), ("&&",), ("==", "!=", "<", "<=", ">", ">="), ("+", "-"), ("*", "/", "%"), ("^",)]


class _Parser:
    def __init__(self, text):
        self.tokens = tokenize(text)
        self.pos = 0

    def peek(self, offset=0):
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def next(self):
        token = self.tokens[self.pos]
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def fail(self, token, message):
        raise AlloySyntaxError(token.line, token.column, message)

    def expect(self, kind, value=None):
        token = self.next()
        if token.kind != kind or (value is not None and token.value != value):
            self.fail(token, "expected %s, found %s" % (value or kind, _describe(token)))
        return token

    def skip_newlines(self):
        while self.peek().kind == "newline":
            self.next()

    def body(self, closing):
        items = []
        self.skip_newlines()
        while not (self.peek().kind == "eof" if closing is None else self.peek().value == closing
                   and self.peek().kind == "op"):
            if self.peek().kind == "eof":
                self.fail(self.peek(), "block is not closed with }")
            items.append(self.statement())
            end = self.peek()
            if end.kind == "newline":
                self.skip_newlines()
            elif not (end.kind == "eof" or (end.kind == "op" and end.value == closing)):
                self.fail(end, "expected a new line after the statement, found %s" % _describe(end))
        return items

    def statement(self):
        first = self.expect("ident")
        if self.peek().kind == "op" and self.peek().value == "=":
            self.next()
            return Attribute(first.value, self.expression(), first.line, first.column)
        parts = [first.value]
        while self.peek().kind == "op" and self.peek().value == ".":
            self.next()
            parts.append(self.expect("ident").value)
        label = None
        if self.peek().kind == "string":
            label = self.next().value
            if not _IDENT.fullmatch(label):
                self.fail(first, "block label %r must be a valid identifier (letters, digits, _)" % label)
        opening = self.next()
        if opening.kind != "op" or opening.value != "{":
            self.fail(opening, "expected = or { after %s, found %s" % (".".join(parts), _describe(opening)))
        items = self.body("}")
        self.expect("op", "}")
        return Block(".".join(parts), label, items, first.line, first.column)

    def expression(self, level=0):
        if level == len(_PRECEDENCE):
            return self.unary()
        left = self.expression(level + 1)
        while self.peek().kind == "op" and self.peek().value in _PRECEDENCE[level]:
            op = self.next()
            # ^ is right-associative
            right = self.expression(level if op.value == "^" else level + 1)
            left = Expr("binary", op.value, [left, right], line=op.line, column=op.column)
        return left

    def unary(self):
        token = self.peek()
        if token.kind == "op" and token.value in ("!", "-"):
            self.next()
            return Expr("unary", token.value, [self.unary()], line=token.line, column=token.column)
        return self.postfix(self.primary())

    def primary(self):
        token = self.next()
        if token.kind in ("string", "number"):
            return Expr("literal", token.value, line=token.line, column=token.column)
        if token.kind == "ident":
            if token.value in ("true", "false"):
                return Expr("literal", token.value == "true", line=token.line, column=token.column)
            if token.value == "null":
                return Expr("literal", None, line=token.line, column=token.column)
            return Expr("ident", token.value, line=token.line, column=token.column)
        if token.kind == "op" and token.value == "(":
            inner = self.expression()
            self.expect("op", ")")
            return Expr("paren", None, [inner], line=token.line, column=token.column)
        if token.kind == "op" and token.value == "[":
            return self.collection(token, "]", keyed=False)
        if token.kind == "op" and token.value == "{":
            return self.collection(token, "}", keyed=True)
        self.fail(token, "expected a value, found %s" % _describe(token))

    def collection(self, opening, closing, keyed):
        items, keys = [], []
        self.skip_newlines()
        while not (self.peek().kind == "op" and self.peek().value == closing):
            if keyed:
                key = self.next()
                if key.kind not in ("ident", "string"):
                    self.fail(key, "expected an object key (identifier or string), found %s" % _describe(key))
                keys.append(key.value)
                self.expect("op", "=")
            items.append(self.expression())
            after = self.peek()
            if after.kind == "op" and after.value == ",":
                self.next()
                self.skip_newlines()
            elif after.kind == "newline":
                self.skip_newlines()
                if self.peek().kind == "op" and self.peek().value == closing:
                    self.fail(after, "missing ',' before the new line: a trailing comma is required when %s is "
                                     "on another line" % closing)
                self.fail(after, "missing ',' between %s" % ("fields" if keyed else "elements"))
            elif not (after.kind == "op" and after.value == closing):
                self.fail(after, "expected ',' or %s, found %s" % (closing, _describe(after)))
        self.expect("op", closing)
        return Expr("object" if keyed else "array", None, items, keys, opening.line, opening.column)

    def postfix(self, expr):
        while self.peek().kind == "op" and self.peek().value in (".", "[", "("):
            token = self.next()
            if token.value == ".":
                name = self.expect("ident")
                expr = Expr("access", name.value, [expr], line=name.line, column=name.column)
            elif token.value == "[":
                index = self.expression()
                self.expect("op", "]")
                expr = Expr("index", None, [expr, index], line=token.line, column=token.column)
            else:
                args = []
                self.skip_newlines()
                while not (self.peek().kind == "op" and self.peek().value == ")"):
                    args.append(self.expression())
                    if self.peek().kind == "op" and self.peek().value == ",":
                        self.next()
                        self.skip_newlines()
                    elif not (self.peek().kind == "op" and self.peek().value == ")"):
                        self.fail(self.peek(), "expected ',' or ) in the call, found %s" % _describe(self.peek()))
                self.expect("op", ")")
                expr = Expr("call", None, [expr] + args, line=token.line, column=token.column)
        return expr


def _describe(token):
    if token.kind == "eof":
        return "the end of the file"
    if token.kind == "newline":
        return "a new line"
    return "%s %r" % (token.kind, token.value)


def parse(text):
    """The top-level statements of an Alloy file; raises AlloySyntaxError."""
    parser = _Parser(text)
    items = parser.body(None)
    parser.expect("eof")
    return items


# --- values -----------------------------------------------------------------------------------

_NOT_LITERAL = object()


def literal_value(expr):
    """The Python value of a constant expression (strings, numbers, bools, null, arrays, objects).

    Returns the module's NOT_LITERAL marker for anything that needs evaluation (references, calls,
    operators).
    """
    if expr.kind == "literal":
        return expr.value
    if expr.kind == "paren":
        return literal_value(expr.children[0])
    if expr.kind == "array":
        values = [literal_value(child) for child in expr.children]
        return _NOT_LITERAL if any(v is _NOT_LITERAL for v in values) else values
    if expr.kind == "object":
        values = [literal_value(child) for child in expr.children]
        return _NOT_LITERAL if any(v is _NOT_LITERAL for v in values) else dict(zip(expr.keys, values))
    return _NOT_LITERAL


NOT_LITERAL = _NOT_LITERAL


def traversal(expr):
    """['a', 'b', 'c'] for the expression a.b.c, or None if it is not a plain dotted name."""
    names = []
    while expr.kind == "access":
        names.append(expr.value)
        expr = expr.children[0]
    if expr.kind != "ident":
        return None
    names.append(expr.value)
    return list(reversed(names))


def _traversals(expr, found):
    """Every maximal dotted name used in ``expr`` (the roots of references and calls)."""
    names = traversal(expr)
    if names is not None:
        found.append((names, expr))
        return found
    for child in expr.children:
        _traversals(child, found)
    return found


def walk_blocks(items, prefix=""):
    """(path, Block) for every block in ``items``, depth first."""
    for item in items:
        if isinstance(item, Block):
            path = "%s%s%s" % (prefix, item.name, ' "%s"' % item.label if item.label is not None else "")
            yield path, item
            yield from walk_blocks(item.body, path + " > ")


def components(items):
    """{(name, label): Block} of the top-level labelled blocks."""
    return {(item.name, item.label): item for item in items if isinstance(item, Block) and item.label is not None}


# --- component catalog (Alloy v1.20 reference) ---------------------------------------------------

ANY = "any"


@dataclass
class Spec:
    arguments: dict = field(default_factory=dict)  # name -> type hint
    required: tuple = ()
    blocks: dict = field(default_factory=dict)  # name -> Spec or ANY
    exports: dict = field(default_factory=dict)  # name -> type
    open_blocks: bool = False  # nested blocks are not checked


def _spec(arguments="", required="", blocks=None, exports=None, types=None, open_blocks=False):
    args = {name: ANY for name in arguments.split()}
    args.update(types or {})
    return Spec(args, tuple(required.split()), blocks or {}, exports or {}, open_blocks)


_HTTP_CLIENT = ("bearer_token_file bearer_token enable_http2 follow_redirects proxy_url no_proxy "
                "proxy_from_environment proxy_connect_header http_headers")
_AUTH_BLOCKS = {"basic_auth": _spec("username password password_file username_file"),
                "authorization": _spec("type credentials credentials_file"),
                "oauth2": ANY, "tls_config": ANY}
_RULE = _spec("source_labels separator regex modulus target_label replacement action")
_STAGES = {
    "stage.cri": _spec("max_partial_lines max_partial_line_size max_partial_line_size_truncate"),
    "stage.decolorize": _spec(),
    "stage.docker": _spec(),
    "stage.drop": _spec("drop_counter_reason expression longer_than older_than separator source value"),
    "stage.json": _spec("expressions source drop_malformed", "expressions"),
    "stage.label_drop": _spec("values", "values", types={"values": "list(string)"}),
    "stage.label_keep": _spec("values", "values", types={"values": "list(string)"}),
    "stage.labels": _spec("values", "values"),
    "stage.limit": _spec("rate burst by_label_name max_distinct_labels drop", "rate burst"),
    "stage.logfmt": _spec("mapping source", "mapping"),
    "stage.multiline": _spec("firstline max_lines max_wait_time", "firstline"),
    "stage.output": _spec("source", "source"),
    "stage.pack": _spec("labels ingest_timestamp", "labels"),
    "stage.regex": _spec("expression source labels_from_groups", "expression"),
    "stage.replace": _spec("expression source replace", "expression"),
    "stage.sampling": _spec("rate drop_counter_reason", "rate"),
    "stage.static_labels": _spec("values", "values"),
    "stage.structured_metadata": _spec("values regex"),
    "stage.template": _spec("source template", "source template"),
    "stage.tenant": _spec("label source value"),
    "stage.timestamp": _spec("source format fallback_formats location action_on_failure", "source format"),
    # Stages this collection never generates: their arguments are not checked.
    "stage.eventlogmessage": ANY, "stage.geoip": ANY, "stage.luhn": ANY, "stage.metrics": ANY,
    "stage.truncate": ANY, "stage.windowsevent": ANY, "stage.pattern": ANY,
}
_MATCH = _spec("selector pipeline_name action drop_counter_reason", "selector", blocks=_STAGES)
_STAGES["stage.match"] = _MATCH

LOGS_RECEIVER = "LogsReceiver"
TARGETS = "Targets"
RELABEL_RULES = "RelabelRules"

COMPONENTS = {
    "discovery.kubernetes": _spec(
        "api_server kubeconfig_file role " + _HTTP_CLIENT, "role",
        blocks=dict(_AUTH_BLOCKS, namespaces=_spec("own_namespace names"),
                    selectors=_spec("role label field", "role"), attach_metadata=_spec("node namespace")),
        exports={"targets": TARGETS}),
    "discovery.relabel": _spec("targets", "targets", blocks={"rule": _RULE},
                               exports={"output": TARGETS, "rules": RELABEL_RULES}, types={"targets": TARGETS}),
    "local.file_match": _spec("path_targets sync_period ignore_older_than", "path_targets",
                              blocks={"file_watch": ANY}, exports={"targets": TARGETS}),
    "loki.source.file": _spec("targets forward_to encoding legacy_positions_file tail_from_end "
                              "on_positions_file_error", "targets forward_to",
                              blocks={"decompression": _spec("enabled format initial_delay", "enabled format"),
                                      "file_watch": _spec("min_poll_frequency max_poll_frequency"),
                                      "file_match": ANY},
                              types={"forward_to": "list(LogsReceiver)", "targets": TARGETS}),
    "loki.source.journal": _spec("forward_to format_as_json labels matches max_age path relabel_rules",
                                 "forward_to", types={"forward_to": "list(LogsReceiver)",
                                                      "relabel_rules": RELABEL_RULES}),
    "loki.source.kubernetes": _spec("targets forward_to", "targets forward_to",
                                    blocks={"client": ANY, "log_pipeline": ANY, "clustering": ANY},
                                    types={"forward_to": "list(LogsReceiver)", "targets": TARGETS}),
    "loki.process": _spec("forward_to", "forward_to", blocks=_STAGES, exports={"receiver": LOGS_RECEIVER},
                          types={"forward_to": "list(LogsReceiver)"}),
    "loki.relabel": _spec("forward_to max_cache_size", "forward_to", blocks={"rule": _RULE},
                          exports={"receiver": LOGS_RECEIVER, "rules": RELABEL_RULES},
                          types={"forward_to": "list(LogsReceiver)"}),
    "loki.write": _spec("external_labels max_streams", blocks={
        "endpoint": _spec("url batch_size batch_wait min_backoff_period max_backoff_period max_backoff_retries "
                          "remote_timeout retry_on_http_429 tenant_id headers name " + _HTTP_CLIENT, "url",
                          blocks=dict(_AUTH_BLOCKS, queue_config=_spec("capacity drain_timeout block_on_overflow "
                                                                       "min_shards"))),
        "wal": _spec("enabled max_segment_age min_read_frequency max_read_frequency drain_timeout")},
        exports={"receiver": LOGS_RECEIVER}),
    "loki.echo": _spec(exports={"receiver": LOGS_RECEIVER}),
}

# Every component of the namespaces this collection uses (Alloy v1.20 reference, components/<ns>/):
# a name outside these lists is a typo. Those not described above are accepted unchecked.
KNOWN_COMPONENTS = frozenset(
    ["loki." + n for n in (
        "echo enrich process relabel rules.kubernetes secretfilter source.api source.awsfirehose "
        "source.azure_event_hubs source.cloudflare source.docker source.file source.gcplog source.gelf "
        "source.heroku source.journal source.kafka source.kubernetes source.kubernetes_events source.podlogs "
        "source.syslog source.windowsevent write").split()]
    + ["local.file", "local.file_match"]
    + ["discovery." + n for n in (
        "aws azure consul consulagent digitalocean dns docker dockerswarm ec2 eureka file gce hetzner http ionos "
        "kubelet kubernetes kuma lightsail linode marathon nerve nomad openstack ovhcloud process puppetdb relabel "
        "remote_relabel scaleway serverset triton uyuni").split()])
COMPLETE_NAMESPACES = ("loki", "local", "discovery")
# Other namespaces of Alloy's component reference; a component in one of them is accepted with a
# warning (its arguments are not checked).
NAMESPACES = ("beyla", "database_observability", "discovery", "faro", "local", "loki", "mimir", "otelcol",
              "prometheus", "pyroscope", "remote", "grafanacloud", "infinity", "kafka")
# Blocks of the configuration itself (not components).
CONFIG_BLOCKS = {
    "logging": _spec("level format write_to"),
    "livedebugging": _spec("enabled"),
    "tracing": Spec(open_blocks=True, arguments={"sampling_fraction": ANY, "write_to": ANY}),
    "http": Spec(open_blocks=True),
    "remotecfg": Spec(open_blocks=True, arguments={n: ANY for n in "url id name attributes poll_frequency".split()}),
}
LABELLED_CONFIG_BLOCKS = ("argument", "export", "declare", "import.file", "import.git", "import.http",
                          "import.string", "foreach")
# The standard library: namespaces and functions (Alloy v1), and the v1 names still accepted but deprecated.
STDLIB = ("array", "coalesce", "constants", "convert", "encoding", "file", "json_path", "string", "sys", "targets")
DEPRECATED_STDLIB = {"env": "sys.env", "concat": "array.concat", "format": "string.format",
                     "join": "string.join", "json_decode": "encoding.from_json", "nonsensitive": "convert.nonsensitive",
                     "replace": "string.replace", "split": "string.split", "to_lower": "string.to_lower",
                     "to_upper": "string.to_upper", "trim": "string.trim", "trim_prefix": "string.trim_prefix",
                     "trim_suffix": "string.trim_suffix", "trim_space": "string.trim_space",
                     "yaml_decode": "encoding.from_yaml", "base64_decode": "encoding.from_base64"}


# --- checks -----------------------------------------------------------------------------------

@dataclass
class Finding:
    line: int
    message: str
    fix: str
    severity: str = ERROR


class _Checker:
    def __init__(self, items):
        self.items = items
        self.findings = []
        self.imports = {item.label for item in items if isinstance(item, Block) and item.name.startswith("import.")}
        self.declares = {item.label for item in items if isinstance(item, Block) and item.name == "declare"}
        self.arguments = {item.label for item in items if isinstance(item, Block) and item.name == "argument"}
        self.components = {}
        self.edges = {}

    def add(self, line, message, fix, severity=ERROR):
        self.findings.append(Finding(line, message, fix, severity))

    def run(self):
        for item in self.items:
            if isinstance(item, Attribute):
                self.add(item.line, "top-level attribute %s: a file holds blocks only" % item.name,
                         "put %s inside the block it configures" % item.name)
                continue
            self.top_block(item)
        for (name, label), block in self.components.items():
            self.edges[(name, label)] = set()
            self.references(block, (name, label), COMPONENTS.get(name))
        self.cycles()
        return self.findings

    def top_block(self, block):
        key = (block.name, block.label)
        if block.name in CONFIG_BLOCKS:
            if block.label is not None:
                self.add(block.line, "%s takes no label" % block.name, "remove the label \"%s\"" % block.label)
            self.block_body(block, CONFIG_BLOCKS[block.name], block.name)
            return
        if block.name in LABELLED_CONFIG_BLOCKS:
            if block.label is None:
                self.add(block.line, "%s needs a label" % block.name, "write %s \"name\" { ... }" % block.name)
            if block.name == "declare":
                nested = _Checker(block.body)
                nested.imports |= self.imports
                nested.declares |= self.declares
                for finding in nested.run():
                    self.findings.append(finding)
            return
        if block.label is None:
            self.add(block.line, "component %s needs a label" % block.name,
                     "write %s \"default\" { ... } (labels tell instances apart)" % block.name)
            return
        if key in self.components:
            self.add(block.line, "component %s \"%s\" is declared twice" % key,
                     "give each instance its own label")
            return
        self.components[key] = block
        namespace = block.name.split(".", 1)[0]
        if block.name in COMPONENTS:
            self.block_body(block, COMPONENTS[block.name], '%s "%s"' % key)
        elif namespace in self.imports or block.name in self.declares:
            return
        elif namespace in COMPLETE_NAMESPACES and block.name not in KNOWN_COMPONENTS:
            self.add(block.line, "%s is not an Alloy component" % block.name,
                     "check the spelling against https://grafana.com/docs/alloy/latest/reference/components/%s/"
                     % namespace)
        elif namespace in NAMESPACES:
            self.add(block.line, "component %s is not one this check describes; its arguments are not checked"
                     % block.name, "check it against the Alloy component reference", WARNING)
        else:
            self.add(block.line, "%s is not an Alloy component or configuration block" % block.name,
                     "check the spelling against https://grafana.com/docs/alloy/latest/reference/components/")

    def block_body(self, block, spec, where):
        if spec == ANY:
            return
        seen = set()
        for item in block.body:
            if isinstance(item, Attribute):
                if item.name in seen:
                    self.add(item.line, "%s: attribute %s is set twice" % (where, item.name), "keep one")
                seen.add(item.name)
                if item.name not in spec.arguments:
                    self.add(item.line, "%s has no argument %s" % (where, item.name),
                             "use one of: %s" % ", ".join(sorted(spec.arguments)) if spec.arguments
                             else "remove it; %s takes no arguments" % where)
            elif not spec.open_blocks:
                if item.name not in spec.blocks:
                    self.add(item.line, "%s has no block %s" % (where, item.name),
                             "use one of: %s" % ", ".join(sorted(spec.blocks)) if spec.blocks
                             else "remove it; %s takes no blocks" % where)
                elif item.label is not None:
                    self.add(item.line, "block %s inside %s takes no label" % (item.name, where),
                             "remove the label")
                else:
                    self.block_body(item, spec.blocks[item.name], "%s > %s" % (where, item.name))
        for name in spec.required:
            if name not in seen:
                self.add(block.line, "%s is missing the required argument %s" % (where, name), "set %s" % name)

    def references(self, block, owner, spec):
        for item in block.body:
            if isinstance(item, Block):
                child = spec.blocks.get(item.name) if isinstance(spec, Spec) else None
                self.references(item, owner, child)
                continue
            for names, expr in _traversals(item.value, []):
                self.resolve(names, expr, owner)
            if isinstance(spec, Spec):
                self.check_types(item, owner, spec)

    def resolve(self, names, expr, owner):
        root = names[0]
        if root in STDLIB or root in self.imports:
            return None
        if root in DEPRECATED_STDLIB and len(names) == 1:
            self.add(expr.line, "%s() is deprecated" % root, "use %s()" % DEPRECATED_STDLIB[root], WARNING)
            return None
        if root == "argument":
            if len(names) < 3 or names[1] not in self.arguments or names[2] != "value":
                self.add(expr.line, "%s does not name a declared argument" % ".".join(names),
                         "declare argument \"%s\" { } and read argument.%s.value"
                         % ((names[1],) * 2 if len(names) > 1 else ("name", "name")))
            return None
        for split in range(len(names) - 1, 0, -1):
            name, label = ".".join(names[:split]), names[split]
            if (name, label) in self.components:
                target = (name, label)
                self.edges.setdefault(owner, set()).add(target)
                export = names[split + 1] if len(names) > split + 1 else None
                spec = COMPONENTS.get(name)
                if spec is not None and export is None:
                    self.add(expr.line, "%s refers to the component %s \"%s\", not to one of its exports"
                             % (".".join(names), name, label), "add the export, e.g. .%s"
                             % (next(iter(spec.exports), "receiver")))
                elif spec is not None and export not in spec.exports:
                    self.add(expr.line, "%s \"%s\" has no export %s" % (name, label, export),
                             "use %s" % (" or ".join(sorted(spec.exports)) if spec.exports
                                         else "another component: %s exports nothing" % name))
                return spec.exports.get(export) if spec is not None else None
        candidates = [split for split in range(1, len(names)) if ".".join(names[:split]) in KNOWN_COMPONENTS
                      or ".".join(names[:split]) in COMPONENTS]
        if not candidates and names[0] in NAMESPACES and len(names) >= 3:
            candidates = [len(names) - 2]
        if candidates:
            split = candidates[-1]
            name = ".".join(names[:split])
            self.add(expr.line, "%s refers to %s \"%s\", which is not declared in this file"
                     % (".".join(names), name, names[split]),
                     "declare %s \"%s\" { ... } or fix the reference" % (name, names[split]))
            return None
        self.add(expr.line, "%s is not a component export, an argument or a standard library function"
                 % ".".join(names), "reference <component>.<label>.<export>, e.g. loki.write.default.receiver")
        return None

    def check_types(self, attribute, owner, spec):
        wanted = spec.arguments.get(attribute.name)
        value = attribute.value
        if wanted == "list(LogsReceiver)":
            if value.kind != "array":
                self.add(attribute.line, '%s "%s": %s must be a list of receivers' % (owner + (attribute.name,)),
                         "write [loki.write.default.receiver]")
                return
            for element in value.children:
                names = traversal(element)
                kind = self.export_type(names)
                if kind is not None and kind != LOGS_RECEIVER:
                    self.add(element.line, '%s "%s": %s lists %s, a %s, not a logs receiver'
                             % (owner + (attribute.name, ".".join(names), kind)),
                             "forward to a .receiver export (loki.process, loki.relabel, loki.write)")
        elif wanted in (TARGETS, RELABEL_RULES):
            names = traversal(value)
            kind = self.export_type(names)
            if kind is not None and kind != wanted:
                self.add(attribute.line, '%s "%s": %s takes %s, and %s is %s'
                         % (owner + (attribute.name, wanted, ".".join(names), kind)),
                         "use a .%s export" % ("targets or .output" if wanted == TARGETS else "rules"))
        elif wanted == "list(string)":
            literal = literal_value(value)
            if literal is not NOT_LITERAL and (not isinstance(literal, list)
                                               or not all(isinstance(v, str) for v in literal)):
                self.add(attribute.line, '%s "%s": %s must be a list of strings' % (owner + (attribute.name,)),
                         'write ["a", "b"]')

    def export_type(self, names):
        if not names:
            return None
        for split in range(len(names) - 1, 0, -1):
            key = (".".join(names[:split]), names[split])
            if key in self.components and key[0] in COMPONENTS and len(names) > split + 1:
                return COMPONENTS[key[0]].exports.get(names[split + 1])
        return None

    def cycles(self):
        state = {}

        def visit(node, stack):
            state[node] = 1
            for nxt in sorted(self.edges.get(node, ())):
                if state.get(nxt) == 1:
                    loop = stack[stack.index(nxt):] + [nxt]
                    self.add(self.components[nxt].line, "components depend on each other in a cycle: %s"
                             % " -> ".join('%s "%s"' % n for n in loop), "break the cycle")
                elif nxt not in state:
                    visit(nxt, stack + [nxt])
            state[node] = 2

        for node in sorted(self.edges):
            if node not in state:
                visit(node, [node])


def check_text(text):
    """Every Finding in the Alloy configuration ``text``; a syntax error is one finding."""
    try:
        items = parse(text)
    except AlloySyntaxError as e:
        return [Finding(e.line, "syntax error: %s" % e.reason, "fix the Alloy syntax at line %d, column %d"
                        % (e.line, e.column))]
    return _Checker(items).run()


def is_alloy_config_map(obj):
    meta = (obj or {}).get("metadata") or {}
    return (obj or {}).get("kind") == "ConfigMap" and CONFIG_KEY in ((obj or {}).get("data") or {}) \
        and (meta.get("labels") or {}).get(APP_LABEL) == "alloy"


def validate_objects(objects):
    """Violations (rule ALLOY_CONFIG) for every Alloy configuration carried in ``objects``."""
    found = []
    for obj in objects:
        if not is_alloy_config_map(obj):
            continue
        for finding in check_text(obj["data"][CONFIG_KEY]):
            found.append(for_object(obj, RULE, "data[%s] line %d" % (CONFIG_KEY, finding.line),
                                    "Alloy config: %s" % finding.message, finding.fix, severity=finding.severity))
    return found
