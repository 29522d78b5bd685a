package dev.sluice.jvm.data;

import dev.sluice.plugin.v1.OffsetsReply;
import dev.sluice.plugin.v1.OffsetsRequest;
import dev.sluice.plugin.v1.PartitionOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two ends of an OffsetStorageReader read, as a source task's and a source connector's
 * readers make it: the partitions put into an OffsetsRequest, and the worker's OffsetsReply
 * matched back to the partition maps the plugin asked with (the keys of what {@code offsets()}
 * returns).
 *
 * <p>Stateless.
 */
public final class OffsetReads {
  private OffsetReads() {}

  /**
   * Adds the non-null {@code partitions} to {@code request}; returns them, in order, for {@link
   * #match}.
   */
  public static <T> List<Map<String, T>> addPartitions(
      OffsetsRequest.Builder request, Collection<Map<String, T>> partitions) {
    List<Map<String, T>> asked = new ArrayList<>();
    for (Map<String, T> p : partitions) {
      if (p == null) {
        continue;
      }
      asked.add(p);
      request.addPartitions(Schemaless.toProto(p));
    }
    return asked;
  }

  /**
   * The offsets of {@code reply} by the partitions {@code asked}: partitions are matched as the
   * worker normalises them (integers as Long); an entry for a partition not asked, or without an
   * offset, is left out. With {@code acceptUnechoedSingle}, a one-partition read takes a reply of
   * one entry that does not echo the partition back.
   */
  public static <T> Map<Map<String, T>, Map<String, Object>> match(
      List<Map<String, T>> asked, OffsetsReply reply, boolean acceptUnechoedSingle) {
    Map<Map<String, T>, Map<String, Object>> out = new LinkedHashMap<>();
    if (acceptUnechoedSingle
        && asked.size() == 1
        && reply.getOffsetsCount() == 1
        && !reply.getOffsets(0).hasPartition()) {
      Map<String, Object> offset = Schemaless.toStringKeyedMap(reply.getOffsets(0).getOffset());
      if (offset != null) {
        out.put(asked.get(0), offset);
      }
      return out;
    }
    Map<Object, Map<String, T>> byNormalised = new HashMap<>();
    for (Map<String, T> p : asked) {
      byNormalised.put(Schemaless.toJava(Schemaless.toProto(p)), p);
    }
    for (PartitionOffset entry : reply.getOffsetsList()) {
      Map<String, T> original = byNormalised.get(Schemaless.toJava(entry.getPartition()));
      if (original == null || !entry.hasOffset()) {
        continue;
      }
      Map<String, Object> offset = Schemaless.toStringKeyedMap(entry.getOffset());
      if (offset != null) {
        out.put(original, offset);
      }
    }
    return out;
  }
}
