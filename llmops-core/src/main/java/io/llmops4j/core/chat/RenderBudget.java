package io.llmops4j.core.chat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The time and allocation budget of the render running on the current thread, checked at many small steps of
 * the render: before each template node, before and after each filter call, at each value conversion of the
 * expression language and each method call or property lookup of the sandbox, and before an expression's value is
 * printed. The size checks of {@link SizeLimits} bound any single string or list; this budget bounds what the
 * render builds in total, e.g. a thousand strings each just under the string limit. It counts the bytes the
 * rendering thread has allocated since the render started (HotSpot's
 * {@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()}); memory allocated is an upper bound of
 * memory retained, so a render that stays within the budget cannot hold more than it (plus what one step between
 * two checks allocates, which the size limits bound). On a JVM without per-thread allocation counters only the
 * time and size limits apply (logged once).
 *
 * <p>Once a budget is exceeded every later check fails too, so the render winds down even where jinjava catches
 * the first failure and carries on with the next node; {@link ChatTemplate} reports the exceeded budget whatever
 * jinjava made of it.
 */
final class RenderBudget {

    private static final Logger LOG = LoggerFactory.getLogger(RenderBudget.class);

    /** The allocation counter of this JVM, or null if it has none (then only time and sizes are bounded). */
    private static final com.sun.management.ThreadMXBean ALLOCATION = allocationCounter();

    private static final ThreadLocal<RenderBudget> CURRENT = new ThreadLocal<>();

    private final long deadlineNanos;
    private final long maxAllocatedBytes;
    private final long allocatedAtStart;
    private Exceeded exceeded; // read and written by the rendering thread only

    /** Which budget a render exceeded. */
    enum Exceeded { TIME, ALLOCATION }

    private RenderBudget(long maxMillis, long maxAllocatedBytes) {
        this.deadlineNanos = System.nanoTime() + maxMillis * 1_000_000L;
        this.maxAllocatedBytes = maxAllocatedBytes;
        this.allocatedAtStart = ALLOCATION == null ? 0 : ALLOCATION.getCurrentThreadAllocatedBytes();
    }

    /** Starts the budget of a render on this thread; {@link #end()} it in a finally block. */
    static RenderBudget start(long maxMillis, long maxAllocatedBytes) {
        RenderBudget budget = new RenderBudget(maxMillis, maxAllocatedBytes);
        CURRENT.set(budget);
        return budget;
    }

    /** Ends the budget of the render on this thread. */
    static void end() {
        CURRENT.remove();
    }

    /** The budget this render exceeded, or null. */
    Exceeded exceeded() {
        return exceeded;
    }

    /** Bytes allocated by this thread since the render started, or -1 without an allocation counter. */
    long allocatedBytes() {
        return ALLOCATION == null ? -1 : ALLOCATION.getCurrentThreadAllocatedBytes() - allocatedAtStart;
    }

    /** Whether this JVM counts allocated bytes per thread (otherwise the allocation budget is not enforced). */
    static boolean countsAllocation() {
        return ALLOCATION != null;
    }

    /**
     * Fails with a {@link BudgetExceeded} if the render on this thread is past its deadline or has allocated more
     * than its budget (or did so before). Does nothing outside a render.
     */
    static void check() {
        RenderBudget budget = CURRENT.get();
        if (budget != null) {
            budget.checkNow();
        }
    }

    private void checkNow() {
        if (exceeded == null) {
            if (System.nanoTime() - deadlineNanos > 0) {
                exceeded = Exceeded.TIME;
            } else if (ALLOCATION != null
                    && ALLOCATION.getCurrentThreadAllocatedBytes() - allocatedAtStart > maxAllocatedBytes) {
                exceeded = Exceeded.ALLOCATION;
            }
        }
        if (exceeded != null) {
            throw new BudgetExceeded(exceeded);
        }
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        try {
            ThreadMXBean bean = ManagementFactory.getThreadMXBean();
            if (bean instanceof com.sun.management.ThreadMXBean hotspot && hotspot.isThreadAllocatedMemorySupported()) {
                if (!hotspot.isThreadAllocatedMemoryEnabled()) {
                    hotspot.setThreadAllocatedMemoryEnabled(true);
                }
                hotspot.getCurrentThreadAllocatedBytes(); // fails here rather than in a render if it cannot count
                return hotspot;
            }
            LOG.warn("This JVM does not count allocated bytes per thread: chat template renders are bounded in time"
                    + " and in the size of each string and list, but not in the memory they allocate in total");
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Per-thread allocation counting is unavailable ({}): chat template renders are bounded in time"
                    + " and in the size of each string and list, but not in the memory they allocate in total",
                    e.toString());
        }
        return null;
    }

    /** Thrown by {@link #check()} once a budget is exceeded; unwinds the render without a stack trace. */
    static final class BudgetExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetExceeded(Exceeded which) {
            super(which == Exceeded.TIME ? "render time limit exceeded" : "render allocation budget exceeded",
                    null, false, false);
        }
    }
}
