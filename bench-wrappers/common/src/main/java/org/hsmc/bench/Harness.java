package org.hsmc.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Timing harness shared by the Java wrapper benchmarks (compiled into both
 * bench-wrappers/iaik and bench-wrappers/jdk; the two wrappers cannot share a
 * classpath). Same method as ../c/p11bench.c: a warm-up of a fixed number of
 * operations per thread, then timed rounds of a fixed duration; prints
 * {@code <name>=<best>} and {@code <name>_median=<median>} on stdout, the
 * per-round rates on stderr.
 *
 * <p>Settings (environment): BENCH_ROUNDS (3), BENCH_ROUND_MS (1500),
 * BENCH_WARMUP (3000 operations per thread).
 */
public final class Harness implements AutoCloseable {

  /** One benchmarked operation; each instance is bound to its own session. */
  @FunctionalInterface
  public interface Op {
    void run() throws Exception;
  }

  private record RoundResult(long ops, long endNanos) {}

  private final String prefix;
  private final int rounds;
  private final long roundNanos;
  private final int warmup;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  private Harness(String prefix, int rounds, long roundMillis, int warmup) {
    if (rounds < 1 || roundMillis < 1 || warmup < 1) {
      throw new IllegalArgumentException("BENCH_ROUNDS, BENCH_ROUND_MS and BENCH_WARMUP must be >= 1");
    }
    this.prefix = prefix;
    this.rounds = rounds;
    this.roundNanos = roundMillis * 1_000_000L;
    this.warmup = warmup;
  }

  /** Harness printing figures as {@code <prefix>_<figure>}, configured from the environment. */
  public static Harness fromEnv(String prefix) {
    return new Harness(prefix, envInt("BENCH_ROUNDS", 3), envInt("BENCH_ROUND_MS", 1500),
        envInt("BENCH_WARMUP", 3000));
  }

  /**
   * Measures {@code ops} running concurrently, one thread each (one op per
   * session), and prints the total rate in operations per second.
   */
  public void report(String figure, Op... ops) throws Exception {
    if (ops.length < 1 || ops.length > 2) {
      throw new IllegalArgumentException("1 or 2 ops expected");
    }
    String name = prefix + "_" + figure;
    runAll(ops, op -> {
      for (int i = 0; i < warmup; i++) {
        op.run();
      }
      return new RoundResult(warmup, 0);
    });

    long[] rates = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      long deadline = start + roundNanos;
      List<RoundResult> results = runAll(ops, op -> {
        long n = 0;
        long now;
        do {
          op.run();
          n++;
        } while ((now = System.nanoTime()) < deadline);
        return new RoundResult(n, now);
      });
      long total = results.stream().mapToLong(RoundResult::ops).sum();
      long end = results.stream().mapToLong(RoundResult::endNanos).max().orElseThrow();
      rates[r] = Math.round(total * 1e9 / (end - start));
    }
    System.err.printf("[%s] %-36s rounds: %s%n", prefix, name,
        Arrays.stream(rates).mapToObj(Long::toString).collect(Collectors.joining(" ")));

    long[] sorted = rates.clone();
    Arrays.sort(sorted);
    System.out.println(name + "=" + sorted[sorted.length - 1]);
    System.out.println(name + "_median=" + sorted[sorted.length / 2]);
    System.out.flush();
  }

  @FunctionalInterface
  private interface Body {
    RoundResult run(Op op) throws Exception;
  }

  /** Runs body once per op on the pool and waits; the first failure is rethrown. */
  private List<RoundResult> runAll(Op[] ops, Body body) throws Exception {
    List<Future<RoundResult>> futures = new ArrayList<>();
    for (Op op : ops) {
      futures.add(pool.submit(() -> body.run(op)));
    }
    List<RoundResult> results = new ArrayList<>();
    for (Future<RoundResult> f : futures) {
      try {
        results.add(f.get());
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
    return results;
  }

  private static int envInt(String name, int dflt) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
  }

  /** Fails the run with a message when a set-up check does not hold. */
  public static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException("self-check failed: " + message);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
