package io.stagdb.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.BlkioStatEntry;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StatisticNetworksConfig;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.port.out.RuntimeStats;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Turns Docker's stats document into {@link RuntimeStats}, computing CPU % the way {@code docker stats} does. */
final class DockerStats {
  private DockerStats() {
  }

  /** One reading of a container's stats (Docker's stream, its first document). */
  static RuntimeStats read(DockerClient docker, String container) {
    AtomicReference<Statistics> seen = new AtomicReference<>();
    try (ResultCallback.Adapter<Statistics> callback = docker.statsCmd(container)
        .withNoStream(true).exec(new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Statistics statistics) {
            seen.compareAndSet(null, statistics);
          }
        })) {
      callback.awaitCompletion(10, TimeUnit.SECONDS);
    } catch (IOException | RuntimeException e) {
      throw DockerErrors.translate("read the stats of " + container, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while reading stats", e);
    }
    Statistics s = seen.get();
    if (s == null) {
      throw new InfrastructureException("the Docker engine returned no stats for " + container);
    }
    return from(s);
  }

  static RuntimeStats from(Statistics s) {
    double cpuPercent = 0;
    if (s.getCpuStats() != null && s.getPreCpuStats() != null && s.getCpuStats().getCpuUsage() != null
        && s.getPreCpuStats().getCpuUsage() != null) {
      long cpuDelta = value(s.getCpuStats().getCpuUsage().getTotalUsage()) - value(s.getPreCpuStats().getCpuUsage().getTotalUsage());
      long systemDelta = value(s.getCpuStats().getSystemCpuUsage()) - value(s.getPreCpuStats().getSystemCpuUsage());
      long cpus = s.getCpuStats().getOnlineCpus() != null ? s.getCpuStats().getOnlineCpus() : 1;
      if (cpuDelta > 0 && systemDelta > 0) {
        cpuPercent = (double) cpuDelta / systemDelta * cpus * 100.0;
      }
    }
    long memUsed = 0;
    long memLimit = 0;
    if (s.getMemoryStats() != null) {
      memUsed = value(s.getMemoryStats().getUsage());
      memLimit = value(s.getMemoryStats().getLimit());
      if (s.getMemoryStats().getStats() != null && s.getMemoryStats().getStats().getCache() != null) {
        memUsed = Math.max(0, memUsed - s.getMemoryStats().getStats().getCache());   // as docker stats shows it
      }
    }
    long rx = 0;
    long tx = 0;
    if (s.getNetworks() != null) {
      for (StatisticNetworksConfig n : s.getNetworks().values()) {
        rx += value(n.getRxBytes());
        tx += value(n.getTxBytes());
      }
    }
    long read = 0;
    long write = 0;
    if (s.getBlkioStats() != null) {
      List<BlkioStatEntry> entries = s.getBlkioStats().getIoServiceBytesRecursive();
      if (entries != null) {
        for (BlkioStatEntry e : entries) {
          if ("read".equalsIgnoreCase(e.getOp())) {
            read += value(e.getValue());
          } else if ("write".equalsIgnoreCase(e.getOp())) {
            write += value(e.getValue());
          }
        }
      }
    }
    return new RuntimeStats(cpuPercent, memUsed, memLimit, rx, tx, read, write);
  }

  private static long value(Long v) {
    return v == null ? 0 : v;
  }
}
