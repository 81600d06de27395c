package dev.dockhand.bench.sandbox;

import dev.dockhand.sandbox.DiskSettings;
import dev.dockhand.sandbox.TaskDisk;
import dev.dockhand.sandbox.TaskDisks;
import dev.dockhand.sandbox.TestTrees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a bounded task disk costs: making, mounting and releasing one of the default size (10 GB,
 * 500,000 files), and writing 200 MB (then fsync) into its workspace against the same write into a
 * plain directory on the data disk, interleaved in the same run. Prints medians and the ratio.
 * Needs root and loop devices.
 *
 * <p>usage: DiskBench [rounds] [data dir] (default 15, /var/tmp)
 */
public final class DiskBench {
  private static final long MB = 1024 * 1024;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    Path data =
        Files.createTempDirectory(Path.of(args.length > 1 ? args[1] : "/var/tmp"), "disk-bench-");
    TaskDisks bounded =
        new TaskDisks(data.resolve("bounded"), new DiskSettings(10240 * MB, 500_000));
    TaskDisks plain = new TaskDisks(data.resolve("plain"), new DiskSettings(0, 500_000));
    List<Double> lifeMs = new ArrayList<>();
    List<Double> boundedMbps = new ArrayList<>();
    List<Double> plainMbps = new ArrayList<>();
    try {
      for (int round = -2; round < rounds; round++) {
        long started = System.nanoTime();
        bounded.create("life-" + round).close();
        double life = (System.nanoTime() - started) / 1e6;
        double intoDisk;
        try (TaskDisk disk = bounded.create("write-" + round)) {
          if (round == 0) {
            System.out.printf(
                "the agent may fill %.0f MB of a %d MB limit; a fresh image takes %d kB%n",
                Files.getFileStore(disk.workspace()).getUsableSpace() / (double) MB,
                10240,
                allocatedKb(bounded.root().resolve("write-" + round).resolve("disk.img")));
          }
          intoDisk = write(disk.workspace().resolve("blob"));
        }
        double intoDir;
        try (TaskDisk dir = plain.create("write-" + round)) {
          intoDir = write(dir.workspace().resolve("blob"));
        }
        if (round >= 0) {
          lifeMs.add(life);
          boundedMbps.add(intoDisk);
          plainMbps.add(intoDir);
        }
      }
    } finally {
      bounded.clearLeftovers();
      plain.clearLeftovers();
      TestTrees.delete(data);
    }
    System.out.printf("rounds: %d%n", rounds);
    System.out.printf("10 GB disk create+mount+close: median %.1f ms %s%n", median(lifeMs), lifeMs);
    System.out.printf(
        "write 200 MB + fsync into the task disk:  median %.0f MB/s%n", median(boundedMbps));
    System.out.printf(
        "write 200 MB + fsync into a plain dir:    median %.0f MB/s%n", median(plainMbps));
    System.out.printf(
        "ratio task disk/plain throughput: %.2f%n", median(boundedMbps) / median(plainMbps));
  }

  /** Writes 200 MB of non-zero bytes and forces them to the device; returns MB/s. */
  private static double write(Path file) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocateDirect((int) MB);
    for (int i = 0; i < MB; i++) {
      chunk.put((byte) (i * 31 + 7));
    }
    long started = System.nanoTime();
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int i = 0; i < 200; i++) {
        chunk.rewind();
        while (chunk.hasRemaining()) {
          channel.write(chunk);
        }
      }
      channel.force(true);
    }
    return 200 / ((System.nanoTime() - started) / 1e9);
  }

  private static long allocatedKb(Path file) throws IOException, InterruptedException {
    Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
    String[] fields = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
    stat.waitFor();
    return Long.parseLong(fields[0]) * Long.parseLong(fields[1]) / 1024;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
