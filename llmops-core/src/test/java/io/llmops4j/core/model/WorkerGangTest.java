package io.llmops4j.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerGangTest {

    /**
     * Every chunk of every loop runs exactly once, over many back-to-back loops of varying size; each chunk names a
     * participant in range, never one that is running another chunk at the time, and participant 0 is the caller.
     * The counts are checked again at the end, so that a participant running a chunk of a finished loop late (the
     * gang reuses its state from loop to loop) would be caught.
     */
    @Test
    void eachChunkRunsExactlyOnceOnOneParticipantAtATime() {
        try (WorkerGang gang = new WorkerGang(3, "test-gang")) {
            assertThat(gang.participants()).isEqualTo(3);
            Thread caller = Thread.currentThread();
            AtomicIntegerArray busy = new AtomicIntegerArray(3);
            java.util.List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.List<AtomicIntegerArray> allRuns = new java.util.ArrayList<>();
            for (int loop = 0; loop < 2_000; loop++) {
                int n = 1 + loop % 17;
                AtomicIntegerArray runs = new AtomicIntegerArray(n);
                allRuns.add(runs);
                gang.run(n, (i, who) -> {
                    boolean onCaller = Thread.currentThread() == caller;
                    if (who < 0 || who >= 3 || busy.incrementAndGet(who) != 1 || (who == 0) != onCaller) {
                        violations.add("chunk " + i + " on participant " + who + " in " + Thread.currentThread().getName());
                    }
                    runs.incrementAndGet(i);
                    Thread.onSpinWait();
                    if (who >= 0 && who < 3) {
                        busy.decrementAndGet(who);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertThat(runs.get(i)).as("loop %d chunk %d", loop, i).isEqualTo(1);
                }
            }
            assertThat(violations).isEmpty();
            for (int loop = 0; loop < allRuns.size(); loop++) {
                for (int i = 0; i < allRuns.get(loop).length(); i++) {
                    assertThat(allRuns.get(loop).get(i)).as("loop %d chunk %d at the end", loop, i).isEqualTo(1);
                }
            }
        }
    }

    /**
     * Running a loop allocates no heap memory on any participant (decoding runs some sixty loops per token, and on a
     * young heap every fresh page costs a page fault): a thousand warm loops allocate less than a byte per loop.
     */
    @Test
    void loopsAllocateNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (WorkerGang gang = new WorkerGang(2, "alloc-gang")) {
            java.util.concurrent.atomic.AtomicLong sum = new java.util.concurrent.atomic.AtomicLong();
            WorkerGang.Chunk body = (i, who) -> sum.addAndGet(i);
            for (int loop = 0; loop < 20_000; loop++) { // warm-up: compiled code, workers started
                gang.run(8, body);
            }
            long[] ids = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t == Thread.currentThread() || t.getName().startsWith("alloc-gang-"))
                    .mapToLong(Thread::threadId).toArray();
            assertThat(ids).hasSize(2);
            long[] before = mx.getThreadAllocatedBytes(ids);
            for (int loop = 0; loop < 1_000; loop++) {
                gang.run(8, body);
            }
            long[] after = mx.getThreadAllocatedBytes(ids);
            long allocated = after[0] - before[0] + after[1] - before[1];
            assertThat(allocated).as("bytes allocated by 1,000 loops").isLessThan(1_000);
            assertThat(sum.get()).isEqualTo(21_000L * 28);
        }
    }

    /** A gang of one (or less) is the caller alone. */
    @Test
    void aGangOfOneRunsEverythingOnTheCaller() {
        try (WorkerGang gang = new WorkerGang(1, "test-gang")) {
            assertThat(gang.participants()).isEqualTo(1);
            java.util.List<Integer> seen = new java.util.ArrayList<>();
            gang.run(5, (i, who) -> seen.add(who));
            assertThat(seen).containsExactly(0, 0, 0, 0, 0);
        }
    }

    /** Workers that parked after an idle spell wake for the next loop and take part in it. */
    @Test
    void parkedWorkersWakeUpAndShareTheWork() throws InterruptedException {
        try (WorkerGang gang = new WorkerGang(2, "test-gang")) {
            Thread.sleep(WorkerGang.SPIN_NANOS / 1_000_000 + 50); // longer than the spin: the worker parks
            java.util.Set<String> threads = ConcurrentHashMap.newKeySet();
            for (int attempt = 0; attempt < 50 && threads.size() < 2; attempt++) {
                gang.run(64, (i, who) -> {
                    threads.add(Thread.currentThread().getName());
                    long until = System.nanoTime() + 200_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                });
            }
            assertThat(threads).hasSize(2).anyMatch(name -> name.startsWith("test-gang-"));
        }
    }

    @Test
    void aFailingChunkFailsTheLoopAfterTheOthersFinish() {
        try (WorkerGang gang = new WorkerGang(2, "test-gang")) {
            AtomicIntegerArray runs = new AtomicIntegerArray(8);
            assertThatThrownBy(() -> gang.run(8, (i, who) -> {
                runs.incrementAndGet(i);
                if (i == 5) {
                    throw new IllegalStateException("chunk 5 failed");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("chunk 5 failed");
            for (int i = 0; i < 8; i++) {
                assertThat(runs.get(i)).isEqualTo(1);
            }
            AtomicIntegerArray again = new AtomicIntegerArray(4);
            gang.run(4, (i, who) -> again.incrementAndGet(i)); // the gang is still usable
            assertThat(again.get(3)).isEqualTo(1);
        }
    }

    /** Several failing chunks: one failure is thrown and every other one is attached to it, none is lost. */
    @Test
    void everyFailureOfALoopIsReported() {
        try (WorkerGang gang = new WorkerGang(3, "test-gang")) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> gang.run(12, (i, who) -> {
                if (i % 3 == 0) {
                    throw new IllegalArgumentException("chunk " + i);
                }
            }));
            assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
            java.util.List<String> messages = new java.util.ArrayList<>();
            messages.add(thrown.getMessage());
            for (Throwable s : thrown.getSuppressed()) {
                messages.add(s.getMessage());
            }
            assertThat(messages).containsExactlyInAnyOrder("chunk 0", "chunk 3", "chunk 6", "chunk 9");
        }
    }

    @Test
    void aLoopOfTooManyChunksIsRefusedBeforeAnyRuns() {
        try (WorkerGang gang = new WorkerGang(2, "test-gang")) {
            java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
            assertThatThrownBy(() -> gang.run(WorkerGang.MAX_CHUNKS + 1, (i, who) -> runs.incrementAndGet()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("65535").hasMessageContaining("65536");
            assertThat(runs.get()).isZero();
            gang.run(WorkerGang.MAX_CHUNKS, (i, who) -> runs.incrementAndGet());
            assertThat(runs.get()).isEqualTo(WorkerGang.MAX_CHUNKS);
        }
    }

    @Test
    void closeEndsTheWorkerThreads() throws InterruptedException {
        WorkerGang gang = new WorkerGang(3, "closing-gang");
        gang.run(4, (i, who) -> { });
        gang.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("closing-gang-"))) {
            Thread.sleep(10);
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("closing-gang-"));
    }
}
