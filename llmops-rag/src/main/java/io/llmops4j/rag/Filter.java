package io.llmops4j.rag;

import java.util.List;
import java.util.Set;

/**
 * A condition on chunk metadata, applied inside the search (the kNN graph walk only visits matching chunks), never
 * after it. Keys are metadata keys; the key {@link #DOCUMENT_ID} addresses the chunk's document id. Equality compares
 * the exact string; ranges apply to values that parse as numbers. Values longer than 8191 characters are stored but
 * cannot be filtered on.
 */
public sealed interface Filter {
    /** Pseudo-key that filters on the chunk's document id. */
    String DOCUMENT_ID = "documentId";

    /** Metadata {@code key} equals {@code value}. */
    record Eq(String key, String value) implements Filter {
        public Eq {
            RagConfigException.requireNonNull("filter key", key);
            RagConfigException.requireNonNull("filter value", value);
        }
    }

    /** Metadata {@code key} equals one of {@code values}. */
    record AnyOf(String key, Set<String> values) implements Filter {
        public AnyOf {
            RagConfigException.requireNonNull("filter key", key);
            values = Set.copyOf(values);
        }
    }

    /** Numeric metadata {@code key} lies in {@code [min, max]} (both inclusive). */
    record Range(String key, double min, double max) implements Filter {
        public Range {
            RagConfigException.requireNonNull("filter key", key);
            if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
                throw new RagConfigException("range filter on '" + key + "' needs min <= max, got [" + min + ", " + max + "]");
            }
        }
    }

    /** All of the filters hold. */
    record And(List<Filter> filters) implements Filter {
        public And {
            filters = List.copyOf(filters);
            if (filters.isEmpty()) {
                throw new RagConfigException("and() needs at least one filter");
            }
        }
    }

    /** At least one of the filters holds. */
    record Or(List<Filter> filters) implements Filter {
        public Or {
            filters = List.copyOf(filters);
            if (filters.isEmpty()) {
                throw new RagConfigException("or() needs at least one filter");
            }
        }
    }

    /** The filter does not hold. */
    record Not(Filter filter) implements Filter {
        public Not {
            RagConfigException.requireNonNull("not() filter", filter);
        }
    }

    static Filter eq(String key, String value) {
        return new Eq(key, value);
    }

    static Filter anyOf(String key, String... values) {
        return new AnyOf(key, Set.of(values));
    }

    static Filter range(String key, double min, double max) {
        return new Range(key, min, max);
    }

    static Filter and(Filter... filters) {
        return new And(List.of(filters));
    }

    static Filter or(Filter... filters) {
        return new Or(List.of(filters));
    }

    static Filter not(Filter filter) {
        return new Not(filter);
    }
}
