package io.llmops4j.core.chat;

import com.hubspot.jinjava.el.TypeConvertingMapELResolver;
import com.hubspot.jinjava.el.ext.JinjavaBeanELResolver;
import com.hubspot.jinjava.el.ext.JinjavaListELResolver;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.util.ForLoop;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;
import jinjava.javax.el.MethodNotFoundException;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The only way a chat template reaches values: list items, map entries, the Python {@code str} and {@code dict}
 * methods HF templates use, and the {@code loop} variable. It replaces jinjava's default resolver, which would
 * call any public Java method of any object; here every other method call is an error naming the method and the
 * type. Jinjava's own filter and test objects are invoked through their single entry point only.
 */
final class SandboxResolver extends CompositeELResolver {

    private static final Set<String> LOOP_PROPERTIES =
            Set.of("index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0");

    SandboxResolver() {
        add(new Members());
        add(new JinjavaListELResolver(true));
        add(new TypeConvertingMapELResolver(true));
    }

    /** Resolves string indexing, {@code loop.*} and the allowed methods; refuses every other method call. */
    private static final class Members extends ELResolver {
        /** Used only for jinjava's own Filter / ExpTest / ForLoop objects, with the member names checked first. */
        private final ELResolver internals = new JinjavaBeanELResolver(true);

        @Override
        public Object getValue(ELContext context, Object base, Object property) {
            RenderBudget.check(); // every property lookup and subscript of a template passes here first
            if (base instanceof List<?> && property instanceof String p && index(p) == null && !p.isBlank()) {
                // not an index: undefined, as in Jinja (jinjava's list resolver would put the whole list into the
                // warning it reports)
                context.setPropertyResolved(true);
                return null;
            }
            if (base instanceof ForLoop && property != null && LOOP_PROPERTIES.contains(property.toString())) {
                return internals.getValue(context, base, property);
            }
            if (base instanceof ForLoop loop && ("previtem".equals(property) || "nextitem".equals(property))) {
                context.setPropertyResolved(true);
                return LoopTag.adjacentItem(loop, (String) property);
            }
            Long index = base instanceof String ? index(property) : null;
            if (index != null) {
                context.setPropertyResolved(true);
                return PyStrings.codePointAt((String) base, index); // by code point, as Python's str
            }
            return null;
        }

        /** The integer a subscript denotes (jinjava passes subscripts as strings), or null. */
        private static Long index(Object property) {
            if (property instanceof Number n) {
                return n.longValue();
            }
            if (property instanceof String p && p.matches("-?\\d{1,9}")) {
                return Long.parseLong(p);
            }
            return null;
        }

        @Override
        public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
            RenderBudget.check();
            if (base == null || method == null) {
                return null;
            }
            String name = method.toString();
            Object[] args = params == null ? new Object[0] : params.clone();
            for (int i = 0; i < args.length; i++) {
                args[i] = PyNone.toNull(args[i]); // None as an argument means "not given" to these methods
            }
            if ((base instanceof Filter && name.equals("filter"))
                    || (base instanceof ExpTest && (name.equals("evaluate") || name.equals("evaluateNegated")))
                    || (base instanceof ForLoop && name.equals("cycle"))) {
                return internals.invoke(context, base, method, paramTypes, params);
            }
            Object result;
            try {
                if (base instanceof String s) {
                    result = stringMethod(s, name, args);
                } else if (base instanceof Map<?, ?> map) {
                    result = mapMethod(map, name, args);
                } else {
                    result = null;
                }
            } catch (IllegalArgumentException e) {
                throw new MethodNotFoundException(name + "() on a " + PyStrings.typeName(base) + ": "
                        + e.getMessage());
            }
            if (result == null) {
                throw new MethodNotFoundException("method " + name + "() is not available on a "
                        + PyStrings.typeName(base) + " in a chat template");
            }
            context.setPropertyResolved(true);
            return result;
        }

        @Override
        public Class<?> getType(ELContext context, Object base, Object property) {
            return null;
        }

        @Override
        public void setValue(ELContext context, Object base, Object property, Object value) {
            // read-only: nothing is resolved here
        }

        @Override
        public boolean isReadOnly(ELContext context, Object base, Object property) {
            return true;
        }

        @Override
        public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
            return null;
        }

        @Override
        public Class<?> getCommonPropertyType(ELContext context, Object base) {
            return null;
        }
    }

    private static Object stringMethod(String s, String name, Object[] a) {
        return switch (name) {
            case "strip" -> PyStrings.strip(s, optString(a, 0, 1));
            case "lstrip" -> PyStrings.lstrip(s, optString(a, 0, 1));
            case "rstrip" -> PyStrings.rstrip(s, optString(a, 0, 1));
            case "split" -> PyStrings.split(s, optString(a, 0, 2), a.length > 1 ? number(a[1]) : -1);
            case "startswith" -> PyStrings.startsWith(s, one(a));
            case "endswith" -> PyStrings.endsWith(s, one(a));
            case "upper" -> none(a, s.toUpperCase(java.util.Locale.ROOT));
            case "lower" -> none(a, s.toLowerCase(java.util.Locale.ROOT));
            case "title" -> none(a, PyStrings.title(s));
            case "capitalize" -> none(a, PyStrings.capitalize(s));
            case "replace" -> {
                if (a.length < 2 || a.length > 3) {
                    throw new IllegalArgumentException("takes 2 or 3 arguments, got " + a.length);
                }
                long count = a.length == 3 ? number(a[2]) : -1;
                SizeLimits.requireChars("replace()", SizeLimits.replacedSize(s, str(a[0]), str(a[1]), count));
                yield PyStrings.replace(s, str(a[0]), str(a[1]), count);
            }
            case "rsplit" -> PyStrings.rsplit(s, optString(a, 0, 2), a.length > 1 ? number(a[1]) : -1);
            case "removeprefix" -> {
                String prefix = str(one(a));
                yield s.startsWith(prefix) ? s.substring(prefix.length()) : s;
            }
            case "removesuffix" -> {
                String suffix = str(one(a));
                yield !suffix.isEmpty() && s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
            }
            case "find" -> PyStrings.find(s, str(one(a)));
            case "rfind" -> PyStrings.rfind(s, str(one(a)));
            case "index", "rindex" -> {
                long at = name.equals("index") ? PyStrings.find(s, str(one(a))) : PyStrings.rfind(s, str(one(a)));
                if (at < 0) {
                    throw PythonError.valueError("substring not found");
                }
                yield at;
            }
            case "ljust", "rjust", "zfill" -> {
                int max = name.equals("zfill") ? 1 : 2;
                if (a.length < 1 || a.length > max) {
                    throw new IllegalArgumentException("takes 1" + (max == 2 ? " or 2 arguments" : " argument")
                            + ", got " + a.length);
                }
                long width = number(a[0]);
                String fill = a.length == 2 ? str(a[1]) : name.equals("zfill") ? "0" : " ";
                if (PyStrings.length(fill) != 1) {
                    throw new IllegalArgumentException("the fill character must be exactly one character long");
                }
                SizeLimits.requireChars(name + "()", (long) Math.max(width, 0) * fill.length());
                yield PyStrings.pad(s, width, fill.codePointAt(0), name);
            }
            case "count" -> {
                String sub = str(one(a));
                long n = 0;
                if (sub.isEmpty()) {
                    n = PyStrings.length(s) + 1;
                } else {
                    for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
                        n++;
                    }
                }
                yield n;
            }
            case "splitlines" -> none(a, PyStrings.splitlines(s));
            case "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper" -> none(a, PyStrings.is(s, name));
            case "center" -> {
                if (a.length < 1 || a.length > 2) {
                    throw new IllegalArgumentException("takes 1 or 2 arguments, got " + a.length);
                }
                long width = number(a[0]);
                String fill = a.length == 2 ? str(a[1]) : " ";
                if (PyStrings.length(fill) != 1) {
                    throw new IllegalArgumentException("the fill character must be exactly one character long");
                }
                SizeLimits.requireChars("center()", (long) Math.max(width, 0) * fill.length());
                yield PyStrings.center(s, width, fill.codePointAt(0));
            }
            case "join" -> {
                Object items = one(a);
                if (!(items instanceof Iterable<?> it)) {
                    throw new IllegalArgumentException("takes a list, found " + PyStrings.typeName(items));
                }
                List<String> parts = new ArrayList<>();
                long length = 0;
                for (Object o : it) {
                    String part = str(o);
                    length = SizeLimits.saturatingAdd(length, part.length() + (parts.isEmpty() ? 0L : s.length()));
                    SizeLimits.requireChars("join()", length);
                    parts.add(part);
                }
                yield String.join(s, parts);
            }
            default -> null;
        };
    }

    private static Object mapMethod(Map<?, ?> map, String name, Object[] a) {
        return switch (name) {
            case "items" -> {
                none(a, map);
                List<List<Object>> items = new ArrayList<>();
                map.forEach((k, v) -> items.add(java.util.Arrays.asList(k, v)));
                yield items;
            }
            case "keys" -> none(a, new ArrayList<>(map.keySet()));
            case "values" -> none(a, new ArrayList<>(map.values()));
            case "get" -> {
                if (a.length < 1 || a.length > 2) {
                    throw new IllegalArgumentException("takes 1 or 2 arguments, got " + a.length);
                }
                Object v = map.containsKey(a[0]) ? map.get(a[0]) : (a.length == 2 ? a[1] : null);
                yield v == null ? PyNone.NONE : v; // null itself means "no such method"
            }
            default -> null;
        };
    }

    private static <T> T none(Object[] a, T result) {
        if (a.length != 0) {
            throw new IllegalArgumentException("takes no arguments, got " + a.length);
        }
        return result;
    }

    private static Object one(Object[] a) {
        if (a.length != 1) {
            throw new IllegalArgumentException("takes 1 argument, got " + a.length);
        }
        return a[0];
    }

    private static String optString(Object[] a, int index, int max) {
        if (a.length > max) {
            throw new IllegalArgumentException("takes at most " + max + " argument(s), got " + a.length);
        }
        return a.length > index && a[index] != null ? str(a[index]) : null;
    }

    private static String str(Object o) {
        if (!(o instanceof String s)) {
            throw new IllegalArgumentException("expected a string, found " + PyStrings.typeName(o));
        }
        return s;
    }

    private static long number(Object o) {
        if (!(o instanceof Number n)) {
            throw new IllegalArgumentException("expected a number, found " + PyStrings.typeName(o));
        }
        return n.longValue();
    }
}
