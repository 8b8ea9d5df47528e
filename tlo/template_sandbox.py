"""The Jinja environment Word templates render in: a sandbox with limits on work and size.

Staff upload templates, and an uploaded template is code that runs on the server each time a
document is generated. Jinja's own sandbox keeps a template away from Python's internals; this
one also keeps it from exhausting the server, at generation time as much as at upload:

- at parse time (with the paragraph to fix when checked at upload): only the tags a Word
  template needs (`{{ }}`, `{% if %}`, `{% for %}`, `{% set x = ... %}`); no `**`, no
  numbers beyond a million, no quoted text beyond a thousand characters, only filters and
  methods that cannot blow a value up;
- while rendering, counted for the whole document (body, headers, footers, properties):
  loop repetitions and the work inside them, the size of each computed text or list
  (checked *before* the operation that would make it, where one operation could make it
  huge: `*`, `~`, `+`, `join`, `replace`, `range`), all text computed, and the output.

Every limit is far above what real templates use (the shipped ones render with a few loops
over a handful of rows, about 15 KB of XML) and far below what would hurt the server.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import nodes, pass_context
from jinja2.compiler import CodeGenerator, Frame, operators, optimizeconst
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.filters import FILTERS
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler

# Parse time.
MAX_NUMBER = 1_000_000  # literals, and numbers passed to a function or filter
MAX_QUOTED_TEXT = 1_000  # characters in one quoted text
MAX_NODES = 20_000  # names, tags, texts and operators in one part (the shipped ones: ~150)
# Render time, per document.
MAX_RANGE = 1_000  # numbers one range() may count
MAX_LOOP_ITERATIONS = 10_000  # repetitions of all loops together
MAX_LOOP_STEPS = 100_000  # repetitions times the tags and expressions inside each loop
MAX_VALUE_SIZE = 1_000_000  # about bytes: one computed text, or list counted deep
MAX_COMPUTED_SIZE = 50_000_000  # about bytes: all text and lists computed or scanned, together
MAX_OUTPUT_CHARS = 10_000_000  # characters of filled-in XML (the shipped ones: ~15,000)
MAX_NESTING = 50  # lists within lists (a template never needs more than two or three)
# A list element costs this much on top of its content: about the memory of a small object.
ELEMENT_SIZE = 32

ALLOWED_FILTERS = frozenset(
    {
        "abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first",
        "float", "forceescape", "int", "items", "join", "last", "length", "list", "lower",
        "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "select",
        "selectattr", "sort", "string", "striptags", "title", "trim", "truncate", "unique",
        "upper", "wordcount",
    }
)  # fmt: skip
# Methods a template may call, by the type they belong to. Left out on purpose: those that
# pad or repeat (center, ljust, rjust, zfill, expandtabs, join, format) and those that change
# a list or dict in place (which would let a loop grow a value from one repetition to the next).
TEXT_METHODS = frozenset(
    {
        "capitalize", "casefold", "count", "endswith", "find", "isalnum", "isalpha",
        "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper",
        "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind",
        "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip",
        "striptags", "swapcase", "title", "unescape", "upper",
    }
)  # fmt: skip
MAPPING_METHODS = frozenset({"get", "items", "keys", "values"})
SEQUENCE_METHODS = frozenset({"count", "index"})
LOOP_METHODS = frozenset({"changed", "cycle"})
CYCLER_METHODS = frozenset({"next", "reset"})
ANY_METHOD = TEXT_METHODS | MAPPING_METHODS | SEQUENCE_METHODS | LOOP_METHODS | CYCLER_METHODS

# The tags and expressions a Word template may use; everything else is refused by name.
_ALLOWED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.For, nodes.Assign,
    nodes.Name, nodes.Const, nodes.List, nodes.Tuple, nodes.Dict, nodes.Pair, nodes.Keyword,
    nodes.CondExpr, nodes.Getattr, nodes.Getitem, nodes.Slice, nodes.Concat, nodes.Compare,
    nodes.Operand, nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod,
    nodes.Neg, nodes.Pos, nodes.Not, nodes.And, nodes.Or, nodes.Call, nodes.Filter, nodes.Test,
)  # fmt: skip
_REFUSED_NAMES = {
    nodes.Pow: "Raising to a power (**)",
    nodes.Macro: "{% macro %}",
    nodes.CallBlock: "{% call %}",
    nodes.FilterBlock: "{% filter %}",
    nodes.With: "{% with %}",
    nodes.Block: "{% block %}",
    nodes.Extends: "{% extends %}",
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from ... import %}",
    nodes.AssignBlock: "{% set %}…{% endset %}",
    nodes.NSRef: "Setting an attribute ({% set a.b = ... %})",
    nodes.ScopedEvalContextModifier: "{% autoescape %}",
    nodes.EvalContextModifier: "{% autoescape %}",
}
_REMOVED_GLOBALS = ("lipsum", "namespace")  # lipsum(n) makes text of any size; namespace
# objects keep a value from one loop repetition to the next, so a loop could double it.
# Added to every {% for %} when a template is parsed: a name a template cannot type.
_LOOP_COUNTER = "tlo counted loop"


class TemplateNotAllowed(TemplateSyntaxError):
    """A template uses something Word templates may not (found when it is parsed)."""


class TemplateLimitExceeded(SecurityError):
    """A template asked for more work or a bigger value than a document needs."""


def _size(value: Any, limit: int) -> int:
    """About how many bytes `value` holds, lists and dicts counted deep; stops past `limit`.

    Deep, because a list repeating one big text is small to make but huge to print.
    """
    total = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack and total <= limit:
        item, depth = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, (list, tuple, set, frozenset, dict)):
            if depth >= MAX_NESTING:
                raise TemplateLimitExceeded(
                    f"The template nests lists more than {MAX_NESTING} deep."
                )
            total += ELEMENT_SIZE * len(item)
            children = (
                [x for pair in item.items() for x in pair] if isinstance(item, dict) else item
            )
            stack.extend((child, depth + 1) for child in children)
        else:
            total += ELEMENT_SIZE
    return total


class _LimitedCodeGenerator(CodeGenerator):
    """Jinja's compiler, except that `a ~ b` goes through a size check before it is joined,
    a slice `x[a:b]` (a copy) is counted, and the operands of a comparison (`==`, `in`, ...)
    count as work: comparing takes time."""

    def visit_Getitem(self, node: nodes.Getitem, frame: Frame) -> None:
        if isinstance(node.arg, nodes.Slice):  # x[i] goes through environment.getitem
            self.write("environment.sliced(")
            super().visit_Getitem(node, frame)
            self.write(")")
        else:
            super().visit_Getitem(node, frame)

    @optimizeconst
    def visit_Compare(self, node: nodes.Compare, frame: Frame) -> None:
        self.write("(environment.scanned(")
        self.visit(node.expr, frame)
        self.write(")")
        for operand in node.ops:
            self.write(f" {operators[operand.op]} environment.scanned(")
            self.visit(operand.expr, frame)
            self.write(")")
        self.write(")")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write("environment.checked_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(f"), {join})")


@pass_context
def _counted(context: Context, iterable: Iterable[Any], steps: int) -> Iterator[Any]:
    spend = context.environment.spend_loop  # type: ignore[attr-defined]
    for item in iterable:
        spend(steps)
        yield item


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """A sandboxed environment with the limits above. Make one per document rendered: the
    counts of loops, computed text and output cover everything rendered with it."""

    code_generator_class = _LimitedCodeGenerator
    intercepted_binops = frozenset({"+", "*", "%", "**"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        for name in _REMOVED_GLOBALS:
            self.globals.pop(name, None)
        self.globals["range"] = self._range
        self.filters = {name: self._guarded(name, FILTERS[name]) for name in ALLOWED_FILTERS}
        self.filters[_LOOP_COUNTER] = _counted
        self.tests = {name: self._guarded(name, test) for name, test in self.tests.items()}
        self.finalize = self._check_output_value
        self.loop_iterations = 0
        self.loop_steps = 0
        self.computed_size = 0
        self.output_chars = 0

    # Parse time -------------------------------------------------------------------------------

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        try:
            template = super()._parse(source, name, filename)
            self._refuse_what_is_not_allowed(template, name, filename)
        except RecursionError:
            raise TemplateNotAllowed(
                "The placeholders are nested too deeply.", 1, name, filename
            ) from None
        for loop in list(template.find_all(nodes.For)):
            inside = [*loop.body, *loop.else_, *([loop.test] if loop.test else [])]
            steps = 1 + sum(1 + sum(1 for _ in n.find_all(nodes.Node)) for n in inside)
            loop.iter = nodes.Filter(
                loop.iter, _LOOP_COUNTER, [nodes.Const(steps)], [], None, None,
                lineno=loop.iter.lineno,
            )  # fmt: skip
        return template

    def _refuse_what_is_not_allowed(
        self, template: nodes.Template, name: str | None, filename: str | None
    ) -> None:
        def refuse(node: nodes.Node, message: str) -> None:
            raise TemplateNotAllowed(message, node.lineno or 1, name, filename)

        for count, node in enumerate(template.find_all(nodes.Node), start=1):
            if count > MAX_NODES:
                refuse(
                    node,
                    f"The template has more than {MAX_NODES:,} placeholders, tags and operators "
                    "in one part; split it or simplify it.",
                )
            if not isinstance(node, _ALLOWED_NODES):
                what = _REFUSED_NAMES.get(type(node), f"{{% {type(node).__name__.lower()} %}}")
                refuse(node, f"{what} is not allowed in Word templates.")
            if isinstance(node, nodes.Const):
                value = node.value
                if isinstance(value, int) and not isinstance(value, bool):
                    if abs(value) > MAX_NUMBER:
                        refuse(
                            node,
                            f"Numbers larger than {MAX_NUMBER:,} are not allowed in Word "
                            f"templates (this one is {value:,}).",
                        )
                elif isinstance(value, str) and len(value) > MAX_QUOTED_TEXT:
                    refuse(
                        node,
                        f"Text in quotes longer than {MAX_QUOTED_TEXT:,} characters is not "
                        f"allowed in Word templates (this one has {len(value):,}).",
                    )
            elif isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
                refuse(node, f"Names starting with an underscore ({node.attr}) are not allowed.")
            elif isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
                refuse(
                    node,
                    f"The filter |{node.name} is not available in Word templates; these "
                    f"are: {', '.join(sorted(ALLOWED_FILTERS))}.",
                )
            elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
                if node.node.attr not in ANY_METHOD:
                    refuse(node, f"The method .{node.node.attr}() is not available.")
            elif isinstance(node, nodes.Name) and node.name in _REMOVED_GLOBALS:
                refuse(node, f"{node.name}() is not available in Word templates.")
            elif isinstance(node, nodes.For) and node.recursive:
                refuse(node, "Recursive loops are not allowed in Word templates.")

    # Render time ------------------------------------------------------------------------------

    def spend_loop(self, steps: int) -> None:
        self.loop_iterations += 1
        self.loop_steps += steps
        if self.loop_iterations > MAX_LOOP_ITERATIONS:
            raise TemplateLimitExceeded(
                f"The loops in the template would repeat more than {MAX_LOOP_ITERATIONS:,} "
                "times in one document."
            )
        if self.loop_steps > MAX_LOOP_STEPS:
            raise TemplateLimitExceeded(
                "The loops in the template would do too much work: more than "
                f"{MAX_LOOP_STEPS:,} steps (repetitions times the placeholders they repeat)."
            )

    def _check_size(self, size: int) -> None:
        if size > MAX_VALUE_SIZE:
            raise TemplateLimitExceeded(
                "The template would make a text or list of more than about "
                f"{MAX_VALUE_SIZE // 1_000_000} MB."
            )

    def _computed(self, value: Any) -> Any:
        """Count a value the template computed against the limits, and pass it on."""
        if isinstance(value, (str, list, tuple, set, frozenset, dict)):
            size = _size(value, MAX_VALUE_SIZE)
            self._check_size(size)
            self._spend(size)
        return value

    def _spend(self, size: int) -> None:
        self.computed_size += size
        if self.computed_size > MAX_COMPUTED_SIZE:
            raise TemplateLimitExceeded(
                "The template computes too much: more than about "
                f"{MAX_COMPUTED_SIZE // 1_000_000} MB of text in one document."
            )

    def _check_arguments(self, what: str, args: Iterable[Any]) -> None:
        """Numbers in range, and every argument's size counted: a function may scan it all."""
        for arg in args:
            if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_NUMBER:
                raise TemplateLimitExceeded(
                    f"The template gives {what} a number larger than {MAX_NUMBER:,}."
                )
            size = _size(arg, MAX_VALUE_SIZE)
            self._check_size(size)
            self._spend(size)

    def _check_replace(self, text: Any, old: Any, new: Any, count: Any = None) -> None:
        text, old, new = str(text), str(old), str(new)
        times = text.count(old) if old else len(text) + 1
        if isinstance(count, int) and count >= 0:
            times = min(times, count)
        self._check_size(len(text) + times * max(len(new) - len(old), 0))

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > MAX_RANGE:
            raise TemplateLimitExceeded(
                f"The template asks range() for more than {MAX_RANGE:,} numbers."
            )
        return numbers

    def _guarded(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """A built-in filter or test, with its arguments and result checked against the limits."""

        @functools.wraps(function)  # keeps Jinja's pass_context / pass_eval_context marks
        def guarded(*args: Any, **kwargs: Any) -> Any:
            self._check_arguments(f"|{name}", [*args, *kwargs.values()])
            if name == "join":  # join(eval_ctx, items, separator="", attribute=None)
                items = list(args[1])
                separator = kwargs.get("d", args[2] if len(args) > 2 else "")
                self._check_size(
                    _size(items, MAX_VALUE_SIZE) + len(str(separator)) * max(len(items) - 1, 0)
                )
                args = (args[0], items, *args[2:])
            elif name == "replace":  # replace(eval_ctx, text, old, new, count=None)
                self._check_replace(*args[1:], **kwargs)
            return self._computed(function(*args, **kwargs))

        return guarded

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if not callable(value):
            return True
        if isinstance(obj, str):
            return attr in TEXT_METHODS
        if isinstance(obj, dict):
            return attr in MAPPING_METHODS
        if isinstance(obj, (list, tuple)):
            return attr in SEQUENCE_METHODS
        if isinstance(obj, LoopContext):
            return attr in LOOP_METHODS
        if isinstance(obj, Cycler):
            return attr in CYCLER_METHODS
        return False

    def wrap_str_format(self, value: Any) -> None:
        return None  # no str.format: "{:>999999999}".format(x) pads without limit

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        what = f"{getattr(__obj, '__name__', 'a function')}()"
        owner = getattr(__obj, "__self__", None)
        # A text's method may scan all of it: the text counts as an argument.
        scanned = [owner] if isinstance(owner, str) else []
        __self._check_arguments(what, [*scanned, *args, *kwargs.values()])
        if isinstance(owner, str) and getattr(__obj, "__name__", "") == "replace":
            __self._check_replace(owner, *args, **kwargs)
        return __self._computed(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":  # refused at parse time; here for templates built otherwise
            raise TemplateLimitExceeded("Raising to a power (**) is not allowed in Word templates.")
        if operator == "%" and isinstance(left, str):
            raise TemplateLimitExceeded(
                "The template formats text with %, which is not allowed; use ~ to join text."
            )
        sized = (str, list, tuple)
        if operator == "*":
            for items, times in ((left, right), (right, left)):
                if isinstance(items, sized) and isinstance(times, int):
                    self._check_size(_size(items, MAX_VALUE_SIZE) * max(times, 0))
            both_numbers = isinstance(left, int) and isinstance(right, int)
            if both_numbers and left.bit_length() + right.bit_length() > 64:
                raise TemplateLimitExceeded("The template multiplies numbers into a huge one.")
        if operator == "+" and isinstance(left, sized) and isinstance(right, sized):
            self._check_size(_size(left, MAX_VALUE_SIZE) + _size(right, MAX_VALUE_SIZE))
        return self._computed(super().call_binop(context, operator, left, right))

    def checked_concat(self, parts: tuple[Any, ...], join: Callable[[Any], str]) -> str:
        """`a ~ b ~ c`: the parts' sizes are checked before they are joined."""
        self._check_size(sum(_size(part, MAX_VALUE_SIZE) for part in parts))
        return self._computed(join(parts))

    def scanned(self, value: Any) -> Any:
        """A comparison's operand: comparing may read all of it, so its size counts as work."""
        self._spend(_size(value, MAX_VALUE_SIZE))
        return value

    def sliced(self, value: Any) -> Any:
        """`x[a:b]` makes a copy: count it like any computed value."""
        return self._computed(value)

    def _check_output_value(self, value: Any) -> Any:
        """Every {{ value }} before it becomes text: a list is printed whole, so size it."""
        if not isinstance(value, str):
            self._check_size(_size(value, MAX_VALUE_SIZE))
        return value

    def concat(self, parts: Iterable[str]) -> str:  # type: ignore[override]
        """Join a template's output as it streams, and stop once the document is too big."""
        pieces = []
        for piece in parts:
            self.output_chars += len(piece)
            if self.output_chars > MAX_OUTPUT_CHARS:
                raise TemplateLimitExceeded(
                    "The filled-in document would be larger than "
                    f"{MAX_OUTPUT_CHARS // 1_000_000} million characters."
                )
            pieces.append(piece)
        return "".join(pieces)
