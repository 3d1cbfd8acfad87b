package io.llmops4j.core.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaProcessors;
import com.hubspot.jinjava.interpret.AutoCloseableSupplier;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import io.llmops4j.core.ChatMessage;
import io.llmops4j.core.ToolCall;
import jinjava.javax.el.ExpressionFactory;
import io.llmops4j.core.InvalidRequestException;

import java.io.IOException;
import java.lang.reflect.Method;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A Hugging Face chat template ({@code chat_template} of {@code tokenizer_config.json}), compiled once and
 * rendered per conversation the way {@code tokenizer.apply_chat_template(messages, tokenize=False,
 * add_generation_prompt=...)} does.
 *
 * <pre>{@code
 * ChatTemplate t = ChatTemplate.compile(templateText, Map.of("bos_token", "<s>", "eos_token", "</s>"));
 * String prompt = t.render(List.of(ChatMessage.user("Hi")), true);
 * }</pre>
 *
 * <p><b>Dialect.</b> Rendering uses jinjava configured like HF's Jinja environment: {@code trim_blocks} and
 * {@code lstrip_blocks} on, with Jinja's whitespace control ({@code -}, and {@code +} which keeps the whitespace) and
 * tag ends (<code>{{ {'a': {'b': 1}} }}</code> is one expression), see {@link JinjaLexer}; and, as
 * {@code keep_trailing_newline} is off, one trailing newline of the source dropped and {@code \r\n} read as
 * {@code \n}. Templates see {@code messages}, {@code add_generation_prompt},
 * {@code tools} and {@code documents} (none unless given, as HF passes them), the special tokens given to
 * {@link #compile} ({@code bos_token}, {@code eos_token}, ...) and any extra variables. Each message is the
 * OpenAI-style dict HF's {@code apply_chat_template} is usually given: {@code role}, {@code content} (none for an
 * assistant message that only calls tools), and only when set {@code tool_calls} (a list of
 * {@code {"type": "function", "id": ..., "function": {"name": ..., "arguments": {...}}}}, {@code id} only when the
 * call has one, the arguments as a dict, as HF recommends), {@code tool_call_id} and {@code name}; so
 * {@code message.tool_calls is defined} and {@code 'tool_calls' in message} are false for a message without tool
 * calls. {@code tools} is a list of JSON objects (JSON schema function descriptions), each given as a map or as the
 * JSON text of an object. HF's additions are provided: {@code raise_exception(msg)} (fails the render with a
 * {@link ChatTemplateException} carrying {@code msg}), the {@code generation} block, {@code strftime_now(format)},
 * and the filters {@code tojson} (Python's {@code json.dumps} text, with HF's arguments {@code ensure_ascii},
 * {@code indent}, {@code separators} and {@code sort_keys}), {@code trim} (Python's {@code str.strip}), Jinja 3.1's
 * {@code items} (a map's key-value pairs; jinjava has no such filter), Jinja's {@code default} (jinjava's wrote
 * its value out as a string), Jinja's {@code int} and {@code float} (Python's {@code int(s, base)} and
 * {@code float(s)}, {@link PyNumbers}: {@code '1e3'|float} is {@code 1000.0}, {@code true|int} is {@code 1}) and
 * Jinja's {@code urlencode} ({@code %20} for a space, as Python's {@code quote}). Truth values are Python's ({@link PyTruth}: jinjava took the string {@code "false"} as
 * false), {@code and} gives one of its operands as {@code or} does, and {@code ==} and {@code +} are Python's (no
 * conversion between strings, numbers and none: {@code '1' == 1} is false, and {@code 'a' + none} is a
 * {@code TypeError}, as HF's render of a template that adds a tool call's arguments to a string, DeepSeek-R1's, fails). Strings have the Python
 * methods templates use: {@code strip}, {@code lstrip}, {@code rstrip}, {@code split}, {@code rsplit},
 * {@code splitlines}, {@code startswith}, {@code endswith}, {@code upper}, {@code lower}, {@code title},
 * {@code capitalize}, {@code center}, {@code ljust}, {@code rjust}, {@code zfill}, {@code replace},
 * {@code removeprefix}, {@code removesuffix}, {@code find}, {@code rfind}, {@code index}, {@code rindex},
 * {@code count}, {@code join}, {@code isdigit}, {@code isalpha},
 * {@code isalnum}, {@code isspace}, {@code islower}, {@code isupper}; maps have {@code items}, {@code keys},
 * {@code values}, {@code get}. Strings are measured ({@code length}), indexed and sliced by code point, as
 * Python's {@code str}; {@code %} and {@code round} are Python 3's ({@code -7 % 3} is {@code 2}, {@code 2.5|round}
 * is {@code 2.0}). Operator precedence follows Jinja where
 * jinjava differs ({@code not x is defined} is {@code not (x is defined)}; a keyword argument takes a whole
 * expression, {@code namespace(i=messages|length - 1)}), subscripts and slices are Python's ({@code messages[::-1]},
 * {@code s[1:-1:2]}), the tests {@code defined} and {@code none} tell a variable or key holding none from a missing
 * one as Jinja does ({@code x is none} is false for an undefined {@code x}), {@code {{- -}}} trims like Jinja, and
 * iterating over a map yields its keys. String literals have Python's escapes (<code>&#92;n</code>,
 * <code>&#92;x41</code>, <code>&#92;u00e9</code>, ...), a string times an integer repeats it, a test after filters
 * tests their result ({@code x|length is even}), {@code join} writes its items as Python's {@code str}, and
 * {@code format} is Python's {@code %} formatting ({@link PyFormat}); {@code list}, {@code first}, {@code last},
 * {@code sum}, {@code min}, {@code max}, {@code sort} and {@code batch} go through their input as a loop does and
 * compare and add as Python ({@link SequenceFilters}). Loops are Jinja's (see {@link LoopTag}): a string's
 * characters are its items, an undefined value has none, and none, numbers and booleans are a {@code TypeError} as
 * in Jinja ({@code tools} is none unless given, so an unguarded {@code {% for tool in tools %}} fails, as it does in
 * HF); {@code for ... else}
 * renders its else branch only when no iteration ran the body to its end; {@code continue} and {@code break} skip the
 * rest of an enclosing {@code if}; several loop variables unpack each item as Python does; loops have
 * {@code loop.previtem} and {@code loop.nextitem} (undefined on the first and last iteration; {@code nextitem} reads
 * one item ahead, and only when used) and loop filters ({@code {% for m in messages if m.role != 'system' %}}, which
 * jinjava ignored: {@code loop.index}, {@code loop.length}, {@code loop.last}, {@code previtem} and {@code nextitem}
 * count only the items that pass). None is not an undefined value ({@link PyNone}): it is defined, false, and
 * written out as {@code None}, while an undefined value is written out as nothing. Printing a value
 * ({@code {{ x }}}), {@code ~} and the {@code string} filter write it as Python's {@code str}: {@code True} and
 * {@code False}, {@code None}, floats as Python writes them ({@code 1e-05}, {@code 1e+16}, {@code 2.0}), lists and
 * maps as {@code ['a', 1, True, None]} and {@code {'k': 'v'}} with their items in Python's {@code repr}. Known
 * differences that real chat templates do not depend on: the pairs of {@code items()} are lists
 * ({@code ['k', 'v']}; Python: {@code ('k', 'v')}), map keys are strings ({@code {1: 'a'}} prints
 * {@code {'1': 'a'}}), lists do not repeat ({@code [1] * 2} is an error);
 * the other filters over sequences ({@code map}, {@code select}, {@code reject}, {@code selectattr},
 * {@code rejectattr}, {@code unique}, {@code reverse}, {@code groupby}, {@code dictsort}, {@code slice}) are
 * jinjava's, which agree with Jinja over lists (of messages, of tools) but take a string, a map or none as one
 * item, and {@code select}/{@code reject} need a test name; a method or filter called on an undefined value gives
 * nothing (Jinja: an {@code UndefinedError} for most), and so does an attribute or subscript of one (Jinja: an
 * {@code UndefinedError}, so {@code messages[0]['role']} with no messages, as Gemma 2's template reads it, fails in HF
 * and renders here); chained comparisons ({@code 1 < x < 3}) do not parse,
 * {@code <} and {@code >} convert between strings and numbers (Python: a {@code TypeError}), there is no
 * {@code dict(...)}, {@code cycler}, {@code joiner} or {@code lipsum}, no {@code str.format}, no {@code filter} block
 * and no {@code filter} or {@code test} tests, tuple literals are lists and {@code (1,)} does not parse, nor does an
 * integer literal beyond 64 bits,
 * {@code truncate} accepts a length shorter than its ellipsis (Jinja: an {@code AssertionError}), and {@code indent} takes
 * {@code first}/{@code blank} by position only. Where Jinja raises a {@code TypeError} on none, jinjava's filters
 * and slices mostly give a value ({@code none[:3]} is empty; {@code truncate},
 * {@code indent}, {@code reverse}, {@code unique} accept it); {@code 1 in 'abc'} is false; {@code range} stops
 * at 100000 items without an error (Jinja's sandbox: an {@code OverflowError}); {@code dictsort}'s pairs print as Java's map entries;
 * the {@code center} filter puts an odd padding's extra space on the other side than Python's; {@code sum} of
 * lists with {@code start=[]} is an error; integer powers overflow 64 bits silently, and
 * an integer to a negative integer power is an integer ({@code 2 ** -1} is {@code 0}; Python: {@code 0.5}).
 *
 * <p><b>Sandbox.</b> Templates are untrusted input. A template cannot read files or resources
 * ({@code include}, {@code import}, {@code from}, {@code extends} are disabled and the resource loader refuses
 * everything), cannot call Java methods (only the Python-style methods above exist; {@code getClass()} and the
 * like are errors), cannot re-render strings as templates, and is bounded: at most {@value #MAX_OUTPUT_CHARS}
 * characters of output and of any intermediate string (filters and string methods whose result size an argument
 * chooses, such as {@code format}, {@code center}, {@code indent}, {@code replace}, {@code join}, {@code batch} and
 * {@code tojson(indent=...)}, refuse an oversized result before building it, see {@link SizeLimits}),
 * {@value #MAX_RENDER_MILLIS} ms of render time, {@value #MAX_RENDER_ALLOCATED_BYTES} bytes allocated in total
 * (on HotSpot; lists and maps are also refused before they are written out as text longer than the limit), macros
 * calling themselves at most {@value #MAX_MACRO_DEPTH} deep; the source is at most {@value #MAX_TEMPLATE_CHARS} characters with brackets nested at most
 * {@value #MAX_BRACKET_DEPTH} deep (jinjava's expression parser slows down steeply with nesting, outside the
 * render-time limit). Every violation is a {@link ChatTemplateException} naming the problem. Variables passed in
 * must be plain data (maps with string keys, lists, strings, numbers, booleans, null, nested at most
 * {@value JsonObjects#MAX_DEPTH} deep; a tool may also be JSON text); they are copied, null as None.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ChatTemplate {

    /** Maximum characters a render may produce (and maximum length of any string built while rendering). */
    public static final int MAX_OUTPUT_CHARS = 1 << 20;
    /**
     * Deepest a macro may call itself (Hermes-3's {@code json_to_python_type} recurses once per level of a tool's
     * parameter schema); deeper is an error, and time and allocation budgets bound what recursion can build.
     */
    public static final int MAX_MACRO_DEPTH = 32;
    /** Maximum wall-clock time of one render. */
    public static final long MAX_RENDER_MILLIS = 2_000;
    /**
     * Maximum bytes one render may allocate in total (256 MiB), counted by HotSpot's per-thread allocation
     * counter; see {@link RenderBudget}. Measured (JDK 25): the Qwen2.5, Llama-3/3.1, Mistral and Gemma templates
     * allocate 0.1 to 0.3 MB for a four-message conversation (3 MB on the first render of a JVM), 6 to 9 MB for 200
     * messages of 2000 characters, and 14 to 41 MB for conversations that fill the output limit (500 messages of
     * 2000 characters, 5000 of 150), so this is six times the largest legitimate render, while a template that builds
     * many strings each under the string limit is stopped well before a 512 MB heap is full.
     */
    public static final long MAX_RENDER_ALLOCATED_BYTES = 256L << 20;

    /** Maximum length of a template's source. */
    public static final int MAX_TEMPLATE_CHARS = 256 * 1024;
    /** Maximum nesting of brackets inside one tag or expression. */
    public static final int MAX_BRACKET_DEPTH = 64;

    private static final int MAX_COLLECTION_SIZE = 100_000;
    private static final Set<String> RESERVED = Set.of("messages", "add_generation_prompt");

    private static final Jinjava ENGINE = createEngine();

    private final String template;
    /** The source as Jinja's lexer sees it, see {@link #jinjaSource}. */
    private final String source;
    private final Map<String, Object> specialTokens;

    private ChatTemplate(String template, String source, Map<String, Object> specialTokens) {
        this.template = template;
        this.source = source;
        this.specialTokens = specialTokens;
    }

    /**
     * The source as Jinja's lexer reads it in HF's environment: newlines ({@code \r\n}, {@code \r}) become
     * {@code \n}, and one trailing newline is dropped ({@code keep_trailing_newline=False}), which matters for
     * {@code chat_template.jinja} files, which usually end with one; then whitespace control and tag ends as
     * {@link JinjaLexer} writes them for jinjava.
     */
    static String jinjaSource(String template) {
        String s = template.indexOf('\r') < 0 ? template : template.replace("\r\n", "\n").replace('\r', '\n');
        return JinjaLexer.forJinjava(s.endsWith("\n") ? s.substring(0, s.length() - 1) : s);
    }

    /**
     * Checks the template's syntax and binds the special tokens.
     *
     * @param template      the Jinja source, e.g. the {@code chat_template} string of {@code tokenizer_config.json}
     * @param specialTokens variables such as {@code bos_token} and {@code eos_token} (plain data)
     * @throws ChatTemplateException if the template does not parse
     */
    public static ChatTemplate compile(String template, Map<String, Object> specialTokens) {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(specialTokens, "specialTokens");
        Map<String, Object> tokens = copyVariables(specialTokens);
        checkSize(template);
        String source = jinjaSource(template);
        JinjavaInterpreter interpreter = ENGINE.newInterpreter();
        try (AutoCloseableSupplier.AutoCloseableImpl<JinjavaInterpreter> current =
                     JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
            current.value().parse(source);
        } catch (StackOverflowError e) {
            throw new ChatTemplateException("chat template nests blocks too deeply to parse");
        } catch (com.hubspot.jinjava.interpret.TemplateSyntaxException e) {
            // jinjava's scanner throws some syntax errors instead of reporting them, e.g. "Malformed tag token"
            throw new ChatTemplateException("chat template does not parse: " + e.getMessage()
                    + (e.getLineNumber() > 0 ? " (line " + e.getLineNumber() + ")" : ""));
        }
        List<TemplateError> errors = interpreter.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
        if (!errors.isEmpty()) {
            throw new ChatTemplateException("chat template does not parse: " + describe(errors.get(0)));
        }
        return new ChatTemplate(template, source, tokens);
    }

    /** The template source. */
    public String source() {
        return template;
    }

    /**
     * Renders a conversation.
     *
     * @param messages            the conversation, oldest first
     * @param addGenerationPrompt whether to append the header that starts the assistant's reply
     * @return the prompt text
     * @throws ChatTemplateException if the template raises an exception, breaks a sandbox rule or fails
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /**
     * Renders a conversation with extra template variables (e.g. {@code tools}, {@code documents},
     * {@code date_string}); they override special tokens of the same name.
     *
     * @param variables plain data; {@code tools}, if given, is a list of JSON objects, each a map or the JSON text
     *                  of an object (JSON schema function descriptions, as HF's {@code apply_chat_template(tools=...)}
     *                  takes them)
     * @throws InvalidRequestException if an extra variable is named {@code messages} or {@code add_generation_prompt}
     *                                 or holds something other than plain data, or a tool is not a JSON object
     * @throws ChatTemplateException   if the template raises an exception, breaks a sandbox rule or fails
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> variables) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(variables, "variables");
        for (String name : variables.keySet()) {
            if (name == null) {
                throw new InvalidRequestException("template variable names must not be null");
            }
            if (RESERVED.contains(name)) {
                throw new InvalidRequestException("variable '" + name + "' is set by render() itself and cannot be"
                        + " passed as an extra variable");
            }
        }
        Map<String, Object> context = new LinkedHashMap<>(specialTokens);
        context.putAll(copyVariables(withToolsRead(variables)));
        List<Object> list = new ArrayList<>(messages.size());
        int index = 0;
        for (ChatMessage m : messages) {
            list.add(messageMap(Objects.requireNonNull(m, "messages[" + index + "]"), index++));
        }
        // HF's apply_chat_template passes tools=None and documents=None when they are not given
        for (String none : List.of("tools", "documents")) {
            if (!context.containsKey(none)) {
                context.put(none, PyNone.NONE);
            }
        }
        context.put("messages", list);
        context.put("add_generation_prompt", addGenerationPrompt);

        RenderBudget budget = RenderBudget.start(MAX_RENDER_MILLIS, MAX_RENDER_ALLOCATED_BYTES);
        RenderResult result;
        try {
            result = ENGINE.renderForResult(source, context);
        } catch (StackOverflowError e) {
            throw new ChatTemplateException("chat template nests blocks or calls too deeply to render");
        } catch (RenderBudget.BudgetExceeded e) {
            result = null; // reported below
        } finally {
            RenderBudget.end();
        }
        if (budget.exceeded() == RenderBudget.Exceeded.TIME) {
            throw new ChatTemplateException("chat template rendering exceeded the time limit of "
                    + MAX_RENDER_MILLIS + " ms");
        }
        if (budget.exceeded() == RenderBudget.Exceeded.ALLOCATION) {
            throw new ChatTemplateException("chat template rendering exceeded the allocation budget of "
                    + MAX_RENDER_ALLOCATED_BYTES + " bytes (" + (MAX_RENDER_ALLOCATED_BYTES >> 20) + " MiB)");
        }
        for (TemplateError error : result.getErrors()) {
            Throwable raised = raisedBy(error);
            if (raised instanceof SizeLimits.LimitExceeded) {
                throw new ChatTemplateException("chat template " + raised.getMessage()
                        + (error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : ""));
            }
            if (raised instanceof PythonError) {
                throw new ChatTemplateException("chat template failed: " + raised.getMessage()
                        + (error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : ""));
            }
            if (raised != null) {
                throw new ChatTemplateException(raised.getMessage());
            }
        }
        for (TemplateError error : result.getErrors()) {
            // FATAL errors, and warnings that report an internal exception (e.g. macros nested too deeply);
            // unknown properties stay warnings, as undefined values are in Jinja.
            if (error.getSeverity() == TemplateError.ErrorType.FATAL
                    || error.getReason() == TemplateError.ErrorReason.EXCEPTION) {
                throw new ChatTemplateException("chat template failed: " + describe(error));
            }
        }
        return result.getOutput();
    }

    /**
     * Rejects templates too long to parse quickly; bracket nesting, which slows jinjava's expression parser (outside
     * the render-time limit) down steeply, is bounded by {@link JinjaLexer}, which knows where expressions are.
     */
    private static void checkSize(String template) {
        if (template.length() > MAX_TEMPLATE_CHARS) {
            throw new ChatTemplateException("chat template has " + template.length()
                    + " characters, more than the limit of " + MAX_TEMPLATE_CHARS);
        }
    }

    /** The exception of a {@code raise_exception(...)} call, a size limit or a Python error, if this error comes from one. */
    private static Throwable raisedBy(TemplateError error) {
        for (Throwable t = error.getException(); t != null; t = t.getCause()) {
            if (t instanceof RaisedByTemplate || t instanceof SizeLimits.LimitExceeded || t instanceof PythonError) {
                return t;
            }
        }
        return null;
    }

    private static String describe(TemplateError error) {
        String message = error.getMessage();
        if (message != null && message.contains("OutputTooBig")) {
            message = "output exceeds the limit of " + MAX_OUTPUT_CHARS + " characters (" + message + ")";
        }
        return message + (error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : "");
    }

    // ---------------------------------------------------------------- engine set-up

    private static Jinjava createEngine() {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withElResolver(new SandboxResolver())
                .withNestedInterpretationEnabled(false)
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(MAX_MACRO_DEPTH)
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                .withMaxStringLength(MAX_OUTPUT_CHARS)
                .withMaxListSize(MAX_COLLECTION_SIZE)
                .withRangeLimit(MAX_COLLECTION_SIZE) // Jinja's sandbox MAX_RANGE; jinjava's default, 1000, cut loops short
                .withMaxMapSize(MAX_COLLECTION_SIZE)
                .withDisabled(Map.of(
                        // print: jinjava's (not Jinja's) tag, writes a value out without the expression checks
                        Context.Library.TAG, Set.of("include", "import", "from", "extends", "print"),
                        Context.Library.FILTER, Set.of("render", "pprint")))
                .withExecutionMode(new SizeLimits.BoundedExecutionMode())
                .withProcessors(JinjavaProcessors.newBuilder().withNodePreProcessor(ChatTemplate::checkBudget).build())
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withParseWhitespaceControlStrictly(true)    // a tag's '-' only next to its delimiter
                        .withUseNaturalOperatorPrecedence(true)
                        .withIterateOverMapKeys(true)                // for k in dict: keys, as in Python
                        .withEvaluateMapKeys(true)                   // {key_var: 1} evaluates key_var
                        .withKeepNullableLoopValues(true)
                        .build())
                .build();
        ExpressionFactory expressions = JinjaPrecedence.expressionFactory();
        Jinjava engine = new Jinjava(config) {
            @Override
            public ExpressionFactory getExpressionFactory() {
                return expressions;
            }
        };
        engine.setResourceLocator((name, charset, interpreter) -> {
            throw new IOException("chat templates may not load other templates or files (asked for '" + name + "')");
        });
        PyTests.install(engine); // iterable and sequence: true for strings and maps, as in Jinja

        engine.registerTag(new GenerationTag());
        engine.registerTag(new LoopTag()); // replaces jinjava's for: loop.previtem / nextitem, loop filters, else
        engine.registerTag(new LoopTag.If()); // replaces jinjava's if: stops after continue / break
        engine.getGlobalContext().put("none", PyNone.NONE); // Jinja's literals; jinjava reads them as variable names
        engine.getGlobalContext().put("None", PyNone.NONE);
        engine.getGlobalContext().registerExpTest(new PyTruth.Test());
        engine.getGlobalContext().registerExpTest(new NoneTest());
        engine.registerFilter(new TrimFilter());
        engine.registerFilter(new ToJsonFilter());
        engine.registerFilter(new RoundFilter());
        engine.registerFilter(new IntFilter());
        engine.registerFilter(new FloatFilter());
        engine.registerFilter(new UrlencodeFilter());
        engine.registerFilter(new StringFilter());
        engine.registerFilter(new CaseFilter("lower", text -> text.toLowerCase(java.util.Locale.ROOT)));
        engine.registerFilter(new CaseFilter("upper", text -> text.toUpperCase(java.util.Locale.ROOT)));
        engine.registerFilter(new CaseFilter("capitalize", PyStrings::capitalize));
        engine.registerFilter(new ItemsFilter());
        engine.registerFilter(new JoinFilter());
        engine.registerFilter(new FormatFilter());
        SequenceFilters.register(engine);
        engine.registerFilter(new DefaultFilter("default"));
        engine.registerFilter(new DefaultFilter("d"));
        for (String name : List.of("length", "count")) {
            engine.registerFilter(new LengthFilter(name, engine.getGlobalContext().getFilter(name)));
        }
        SizeLimits.install(engine); // after the last filter is registered
        try {
            Method raise = ChatTemplate.class.getDeclaredMethod("raiseException", Object.class);
            Method now = ChatTemplate.class.getDeclaredMethod("strftimeNow", String.class);
            raise.setAccessible(true); // private helpers, reachable by the expression engine only
            now.setAccessible(true);
            engine.registerFunction(new ELFunctionDefinition("", "raise_exception", raise));
            engine.registerFunction(new ELFunctionDefinition("", "strftime_now", now));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        return engine;
    }

    private static void checkBudget(Node node, JinjavaInterpreter interpreter) {
        RenderBudget.check();
    }

    /** HF's {@code raise_exception(message)}: aborts the render with the template's message. */
    private static String raiseException(Object message) {
        SizeLimits.requireChars("raise_exception", SizeLimits.textSize(message, SizeLimits.maxChars()));
        throw new RaisedByTemplate(String.valueOf(message));
    }

    /** HF's {@code strftime_now(format)}: the current local time formatted with Python's strftime codes. */
    private static String strftimeNow(String format) {
        return com.hubspot.jinjava.objects.date.StrftimeFormatter.format(ZonedDateTime.now(), format, Locale.US);
    }

    /** Thrown inside the render by {@code raise_exception}; its message becomes the ChatTemplateException's. */
    private static final class RaisedByTemplate extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RaisedByTemplate(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * HF's {@code {% generation %}...{% endgeneration %}} block, which marks assistant text for training masks;
     * rendering only needs its body, in its own scope as HF's call block has.
     */
    private static final class GenerationTag implements Tag {
        private static final long serialVersionUID = 1L;

        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String getEndTagName() {
            return "endgeneration";
        }

        @Override
        @SuppressWarnings("try") // the scope is entered and left by the try statement itself
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            StringBuilder out = new StringBuilder();
            try (JinjavaInterpreter.InterpreterScopeClosable scope = interpreter.enterScope()) {
                for (Node child : tagNode.getChildren()) {
                    out.append(child.render(interpreter).getValue());
                }
            }
            return out.toString();
        }
    }

    /** Jinja's {@code trim} with Python's whitespace ({@code str.strip}), optionally with explicit characters. */
    private static final class TrimFilter extends KeywordFilter {
        TrimFilter() {
            super("trim");
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object chars = args.length > 0 ? args[0] : kwargs.get("chars");
            return PyStrings.strip(var == null ? "" : String.valueOf(var), chars == null ? null : chars.toString());
        }
    }

    /**
     * Jinja's {@code string}: the value written out as printing writes it ({@link SizeLimits#asText}), Python's
     * {@code str} of booleans, floats, lists and maps, and an empty string for none (jinjava's filter writes
     * {@code null}).
     */
    private static final class StringFilter implements Filter {
        @Override
        public String getName() {
            return "string";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return SizeLimits.asText(var, String::valueOf);
        }
    }

    /**
     * Jinja's {@code lower}, {@code upper} and {@code capitalize}: the case change of the value as Python's
     * {@code str} writes it ({@code none|lower} is {@code none}, a list's items change too), an undefined value
     * being empty; jinjava's filters returned anything but a string unchanged.
     */
    private static final class CaseFilter implements Filter {
        private final String name;
        private final java.util.function.UnaryOperator<String> change;

        CaseFilter(String name, java.util.function.UnaryOperator<String> change) {
            this.name = name;
            this.change = change;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return change.apply(var == null ? "" : SizeLimits.asText(var, String::valueOf));
        }
    }

    /**
     * Jinja's {@code items} filter (Jinja 3.1): a map's key-value pairs, as the {@code items()} method gives them;
     * nothing for an undefined value; an error for anything else, none included (jinjava has no such filter and
     * printed nothing, so {@code for k, v in d|items} never looped).
     */
    private static final class ItemsFilter implements Filter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return new ArrayList<>();
            }
            if (!(var instanceof Map<?, ?> map)) {
                throw PythonError.typeError("Can only get item pairs from a mapping.");
            }
            List<List<Object>> items = new ArrayList<>(map.size());
            map.forEach((k, v) -> items.add(java.util.Arrays.asList(k, v)));
            return items;
        }
    }

    /**
     * Jinja's {@code join(value, d='', attribute=None)}: the items, as a loop goes through them (a string's
     * characters, a map's keys), or the given attribute of each, written out as Python's {@code str} and separated
     * by {@code d}. Jinjava's wrote booleans, floats, lists and maps Java's way and took a string as one item.
     */
    private static final class JoinFilter extends KeywordFilter {
        JoinFilter() {
            super("join");
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            if (var == null) {
                return "";
            }
            Object value = var instanceof com.hubspot.jinjava.objects.SafeString safe ? safe.getValue() : var;
            java.util.Iterator<?> items = LoopTag.items(value, interpreter);
            if (items == null) {
                throw PythonError.typeError("'" + PyStrings.pythonType(var) + "' object is not iterable");
            }
            String separator = SizeLimits.asText(args.length > 0 ? args[0] : kwargs.getOrDefault("d", ""),
                    interpreter::getAsString);
            Object attribute = args.length > 1 ? args[1] : kwargs.get("attribute");
            long max = SizeLimits.maxChars();
            StringBuilder out = new StringBuilder();
            for (boolean first = true; items.hasNext(); first = false) {
                Object item = items.next();
                if (attribute != null) {
                    item = interpreter.resolveProperty(item, List.of(String.valueOf(attribute).split("\\.")));
                }
                out.append(first ? "" : separator).append(SizeLimits.asText(item, interpreter::getAsString));
                if (out.length() > max) {
                    throw SizeLimits.exceeded("filter join", out.length(), max);
                }
            }
            return out.toString();
        }
    }

    /** Jinja's {@code format}: Python's {@code %} formatting ({@link PyFormat}); jinjava's is Java's {@code String.format}. */
    private static final class FormatFilter extends KeywordFilter {
        FormatFilter() {
            super("format");
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            return PyFormat.format(SizeLimits.asText(var, interpreter::getAsString),
                    java.util.Arrays.asList(args == null ? new Object[0] : args), kwargs == null ? Map.of() : kwargs,
                    SizeLimits.maxChars());
        }
    }

    /** Jinja's {@code none} test, for {@code select}, {@code selectattr} and the like: true for None only. */
    private static final class NoneTest implements com.hubspot.jinjava.lib.exptest.ExpTest {
        @Override
        public String getName() {
            return "none";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var == PyNone.NONE;
        }
    }

    /**
     * Jinja's {@code default(value, default_value='', boolean=False)} (and its alias {@code d}): the default for an
     * undefined value (not for none), or with {@code boolean} for any false one ({@link PyTruth}), and the value itself
     * otherwise.
     * Jinjava's filter returned the default written out as a string ({@code x|default(false)} was {@code "false"}).
     */
    private static final class DefaultFilter extends KeywordFilter {
        DefaultFilter(String name) {
            super(name);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object defaultValue = args.length > 0 ? args[0] : kwargs.getOrDefault("default_value", "");
            boolean whenFalse = PyTruth.of(args.length > 1 ? args[1] : kwargs.get("boolean"));
            return (whenFalse ? !PyTruth.of(var) : var == null) ? defaultValue : var;
        }
    }

    /**
     * Python's {@code len}: a string's length in code points, a {@code TypeError} for none; other values as jinjava's
     * filter counts them.
     */
    private static final class LengthFilter implements Filter {
        private final String name;
        private final Filter jinjava;

        LengthFilter(String name, Filter jinjava) {
            this.name = name;
            this.jinjava = jinjava;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == PyNone.NONE) {
                throw PythonError.typeError("object of type 'NoneType' has no len()");
            }
            return var instanceof String s ? PyStrings.length(s) : jinjava.filter(var, interpreter, args);
        }
    }

    /**
     * Jinja's {@code round(value, precision=0, method='common')}: {@code common} is Python's {@code round} (ties to
     * even, on the exact binary value: {@code 2.5|round} is {@code 2.0}), {@code ceil} and {@code floor} round
     * {@code value * 10**precision}; the result is a float unless Python's {@code round} of an integer.
     */
    private static final class RoundFilter extends KeywordFilter {
        RoundFilter() {
            super("round");
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object precisionArg = kwargs.containsKey("precision") ? kwargs.get("precision")
                    : args.length > 0 ? args[0] : 0L;
            Object methodArg = kwargs.containsKey("method") ? kwargs.get("method") : args.length > 1 ? args[1] : "common";
            int precision = (int) Math.max(-400, Math.min(400, Long.parseLong(String.valueOf(precisionArg))));
            String method = String.valueOf(methodArg);
            if (!(var instanceof Number value)) {
                throw new IllegalArgumentException("round: expected a number, found " + PyStrings.typeName(var));
            }
            boolean integer = value instanceof Long || value instanceof Integer || value instanceof Short
                    || value instanceof Byte || value instanceof java.math.BigInteger;
            switch (method) {
                case "common" -> {
                    if (integer) {
                        return precision >= 0 ? value : new java.math.BigDecimal(value.toString())
                                .setScale(precision, java.math.RoundingMode.HALF_EVEN).toBigInteger().longValue();
                    }
                    double d = value.doubleValue();
                    return Double.isFinite(d) ? new java.math.BigDecimal(d)
                            .setScale(precision, java.math.RoundingMode.HALF_EVEN).doubleValue() : d;
                }
                case "ceil", "floor" -> {
                    double scale = Math.pow(10, precision);
                    double scaled = value.doubleValue() * scale;
                    return (method.equals("ceil") ? Math.ceil(scaled) : Math.floor(scaled)) / scale;
                }
                default -> throw new IllegalArgumentException("round: method must be 'common', 'ceil' or 'floor'");
            }
        }
    }

    /**
     * Jinja's {@code int(value, default=0, base=10)}: Python's {@code int(value, base)} of a string ({@code '0x1A'|int(base=16)}
     * is 26, {@code ' 1_000 '|int} is 1000), else of {@code float(value)} ({@code '4.2'|int} is 4), else the default;
     * Python's {@code int(value)} of a number or boolean ({@code true|int} is 1; an {@code OverflowError} for an
     * infinite float); an {@code UndefinedError} for an undefined value. Jinjava's filter ignored the base's prefix
     * and gave 0 for {@code true}.
     */
    private static final class IntFilter extends KeywordFilter {
        IntFilter() {
            super("int");
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object defaultValue = kwargs.containsKey("default") ? kwargs.get("default") : args.length > 0 ? args[0] : 0L;
            Object baseArg = kwargs.containsKey("base") ? kwargs.get("base") : args.length > 1 ? args[1] : 10L;
            if (var == null) {
                throw PythonError.of("UndefinedError", "an undefined value has no int()");
            }
            Double d;
            if (var instanceof String s) {
                // an invalid base is a ValueError, which Jinja answers with int(float(value)) as any other
                boolean validBase = baseArg instanceof Number n
                        && (n.longValue() == 0 || (n.longValue() >= 2 && n.longValue() <= 36));
                Number parsed = validBase ? PyNumbers.parseInt(s, ((Number) baseArg).intValue()) : null;
                if (parsed != null) {
                    return parsed;
                }
                d = PyNumbers.parseFloat(s);
                if (d != null && d.isInfinite()) {
                    return defaultValue; // int(float('inf')) raises the OverflowError this second attempt catches
                }
            } else if (var instanceof Boolean b) {
                return b ? 1L : 0L;
            } else if (var instanceof Long || var instanceof Integer || var instanceof java.math.BigInteger) {
                return var;
            } else if (var instanceof Number number) {
                d = number.doubleValue();
            } else {
                d = null; // none, undefined, lists, maps: a TypeError, so the default
            }
            if (d == null || d.isNaN()) {
                return defaultValue;
            }
            if (d.isInfinite()) {
                throw PythonError.of("OverflowError", "cannot convert float infinity to integer");
            }
            return PyNumbers.truncate(d);
        }
    }

    /**
     * Jinja's {@code urlencode}: a string (or a value that is not iterable, written as Python's {@code str}) quoted as
     * {@code urllib.parse.quote(s, safe='/')} of its UTF-8 bytes ({@code 'a b'} is {@code a%20b}); a map's pairs, or
     * a list of pairs, as a query string with {@code +} for a space and {@code /} quoted too; an undefined value as
     * nothing. Jinjava's wrote a space as {@code +} everywhere.
     */
    private static final class UrlencodeFilter implements Filter {
        @Override
        public String getName() {
            return "urlencode";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return "";
            }
            StringBuilder out = new StringBuilder();
            if (var instanceof String || !(var instanceof Map<?, ?> || var instanceof Iterable<?>)) {
                quote(out, var, false);
                return out.toString();
            }
            Iterable<?> pairs = var instanceof Map<?, ?> map ? map.entrySet().stream()
                    .map(e -> java.util.Arrays.asList(e.getKey(), e.getValue())).toList() : (Iterable<?>) var;
            for (Object pair : pairs) {
                RenderBudget.check();
                List<?> kv = pair instanceof String str ? str.codePoints().mapToObj(Character::toString).toList()
                        : pair instanceof List<?> list ? list : null;
                if (kv == null) {
                    throw PythonError.typeError("cannot unpack non-iterable " + PyStrings.pythonType(pair) + " object");
                }
                if (kv.size() != 2) {
                    throw PythonError.valueError(kv.size() > 2 ? "too many values to unpack (expected 2)"
                            : "not enough values to unpack (expected 2, got " + kv.size() + ")");
                }
                if (!out.isEmpty()) {
                    out.append('&');
                }
                quote(out, kv.get(0), true);
                out.append('=');
                quote(out, kv.get(1), true);
            }
            return out.toString();
        }

        private static void quote(StringBuilder out, Object value, boolean forQuery) {
            long max = SizeLimits.maxChars();
            String text = value instanceof String s ? s : PyStrings.str(value, max);
            for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '_' || c == '.' || c == '-' || c == '~' || (c == '/' && !forQuery)) {
                    out.append((char) c);
                } else if (c == ' ' && forQuery) {
                    out.append('+');
                } else {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                }
                if (out.length() > max) {
                    SizeLimits.requireChars("urlencode", out.length());
                }
            }
        }
    }

    /**
     * Jinja's {@code float(value, default=0.0)}: Python's {@code float(value)} ({@code '1e3'|float} is 1000.0,
     * {@code 'inf'|float} is infinity, {@code true|float} is 1.0), or the default where it raises a {@code TypeError}
     * or {@code ValueError}; an {@code UndefinedError} for an undefined value. Jinjava's filter took only plain
     * decimals.
     */
    private static final class FloatFilter extends KeywordFilter {
        FloatFilter() {
            super("float");
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object defaultValue = kwargs.containsKey("default") ? kwargs.get("default") : args.length > 0 ? args[0] : 0.0;
            if (var == null) {
                throw PythonError.of("UndefinedError", "an undefined value has no float()");
            }
            Double d = var instanceof String s ? PyNumbers.parseFloat(s)
                    : var instanceof Boolean b ? (b ? 1.0 : 0.0)
                    : var instanceof Number number ? number.doubleValue() : null;
            return d == null ? defaultValue : d;
        }
    }

    /**
     * HF's {@code tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}, which is
     * {@code json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)};
     * arguments by position or by name, in HF's order.
     */
    private static final class ToJsonFilter extends KeywordFilter {
        private static final List<String> PARAMETERS = List.of("ensure_ascii", "indent", "separators", "sort_keys");

        ToJsonFilter() {
            super("tojson");
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            if (var == null) {
                // json.dumps of Jinja's Undefined, as HF's render of {{ undefined|tojson }} fails
                throw PythonError.typeError("Object of type Undefined is not JSON serializable");
            }
            if (args.length > PARAMETERS.size()) {
                throw new IllegalArgumentException("tojson takes at most " + PARAMETERS.size() + " arguments");
            }
            Map<String, Object> given = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                given.put(PARAMETERS.get(i), args[i]);
            }
            for (Map.Entry<String, Object> e : kwargs.entrySet()) {
                if (!PARAMETERS.contains(e.getKey())) {
                    throw new IllegalArgumentException("tojson has no argument '" + e.getKey() + "'");
                }
                given.put(e.getKey(), e.getValue());
            }
            String itemSeparator = null;
            String keySeparator = null;
            Object separators = PyNone.toNull(given.get("separators"));
            if (separators != null) {
                if (!(separators instanceof List<?> pair) || pair.size() != 2
                        || !(pair.get(0) instanceof String) || !(pair.get(1) instanceof String)) {
                    throw new IllegalArgumentException("tojson: separators must be a pair of strings");
                }
                itemSeparator = (String) pair.get(0);
                keySeparator = (String) pair.get(1);
            }
            Object indent = PyNone.toNull(given.get("indent"));
            String indentText = indent == null ? null
                    : indent instanceof String text ? text
                    : PyJson.Format.spaces(new java.math.BigDecimal(indent.toString()).longValueExact());
            PyJson.Format format = new PyJson.Format(indentText, itemSeparator, keySeparator,
                    PyTruth.of(given.get("ensure_ascii")), PyTruth.of(given.get("sort_keys")));
            return PyJson.dumps(var, format, SizeLimits.maxChars());
        }
    }

    // ---------------------------------------------------------------- input conversion

    /**
     * A message as the OpenAI-style dict that HF's {@code apply_chat_template} is usually given: {@code role} and
     * {@code content} (none when absent) always, {@code tool_calls} (each {@code {"type": "function", "id": ...,
     * "function": {"name": ..., "arguments": {...}}}}, {@code id} only when set, arguments as a dict),
     * {@code tool_call_id} and {@code name} only when set, so that {@code message.tool_calls is defined} and
     * {@code 'tool_calls' in message} are false for a message without tool calls.
     */
    private static Map<String, Object> messageMap(ChatMessage m, int index) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", m.role());
        map.put("content", m.content() == null ? PyNone.NONE : m.content());
        if (!m.toolCalls().isEmpty()) {
            List<Object> calls = new ArrayList<>(m.toolCalls().size());
            for (int j = 0; j < m.toolCalls().size(); j++) {
                ToolCall call = m.toolCalls().get(j);
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", call.name());
                function.put("arguments", plain(call.arguments(),
                        "messages[" + index + "].tool_calls[" + j + "].function.arguments", 0));
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("type", "function");
                if (call.id() != null) {
                    entry.put("id", call.id());
                }
                entry.put("function", function);
                calls.add(entry);
            }
            map.put("tool_calls", calls);
        }
        if (m.toolCallId() != null) {
            map.put("tool_call_id", m.toolCallId());
        }
        if (m.name() != null) {
            map.put("name", m.name());
        }
        return map;
    }

    /**
     * The variables with {@code tools}, if given, checked to be a list of JSON objects and any tool given as JSON
     * text read into a map (see {@link JsonObjects}); the maps are then copied with the other variables.
     */
    private static Map<String, ?> withToolsRead(Map<String, ?> variables) {
        Object tools = variables.get("tools");
        if (tools == null) {
            return variables;
        }
        if (!(tools instanceof Collection<?> items)) {
            throw new InvalidRequestException("template variable tools must be a list of tools (JSON objects), found a "
                    + tools.getClass().getName());
        }
        List<Object> read = new ArrayList<>(items.size());
        int i = 0;
        for (Object tool : items) {
            String path = "template variable tools[" + i++ + "]";
            if (tool instanceof CharSequence text) {
                read.add(JsonObjects.parse(text.toString(), path));
            } else if (tool instanceof Map<?, ?>) {
                read.add(tool); // copied, and checked to be plain data, with the other variables
            } else {
                throw new InvalidRequestException(path + " is a " + (tool == null ? "null" : tool.getClass().getName())
                        + "; a tool must be a JSON object: a Map, or the JSON text of an object");
            }
        }
        Map<String, Object> copy = new LinkedHashMap<>(variables);
        copy.put("tools", read);
        return copy;
    }

    private static Map<String, Object> copyVariables(Map<String, ?> variables) {
        Map<String, Object> copy = new LinkedHashMap<>();
        variables.forEach((name, value) -> {
            if (name == null) {
                throw new InvalidRequestException("template variable names must not be null");
            }
            copy.put(name, plain(value, name, 0));
        });
        return copy;
    }

    /**
     * A deep copy made of maps, lists, strings, numbers, booleans and None ({@link PyNone} for null) only, nested at
     * most {@link JsonObjects#MAX_DEPTH} deep below {@code depth}.
     */
    private static Object plain(Object value, String path, int depth) {
        if (value == null) {
            return PyNone.NONE;
        }
        if (value instanceof String || value instanceof Boolean || value instanceof java.math.BigInteger) {
            return value;
        }
        if (value instanceof CharSequence cs) {
            return cs.toString();
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            return ((Number) value).doubleValue();
        }
        if ((value instanceof Map<?, ?> || value instanceof Collection<?>) && depth >= JsonObjects.MAX_DEPTH) {
            // also stops a map or list that contains itself
            throw new InvalidRequestException("template variable " + path + " nests maps and lists more than "
                    + JsonObjects.MAX_DEPTH + " deep");
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (!(k instanceof String key)) {
                    throw new InvalidRequestException("template variable " + path + " has a non-string key " + k);
                }
                copy.put(key, plain(v, path + "." + key, depth + 1));
            });
            return copy;
        }
        if (value instanceof Collection<?> items) {
            List<Object> copy = new ArrayList<>(items.size());
            int i = 0;
            for (Object item : items) {
                copy.add(plain(item, path + "[" + i++ + "]", depth + 1));
            }
            return copy;
        }
        throw new InvalidRequestException("template variable " + path + " is a " + value.getClass().getName()
                + "; only maps, lists, strings, numbers, booleans and null may be passed to a chat template");
    }
}
