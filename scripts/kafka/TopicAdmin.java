// Small admin client for the test broker, run by scripts/kafka.sh with the broker's own jars.
// One JVM does what would otherwise take one kafka-topics.sh JVM per topic, and it retries
// until the broker serves, so it doubles as the readiness check.
//
//   TopicAdmin BOOTSTRAP wait SECONDS                      wait until the cluster answers
//   TopicAdmin BOOTSTRAP create PARTITIONS TOPIC...        wait (60 s), create missing topics,
//                                                          then describe
//   TopicAdmin BOOTSTRAP describe TOPIC...                 "topic partitions" per line
//   TopicAdmin BOOTSTRAP offsets GROUP TOPIC               JSON: end and committed offsets
//   TopicAdmin BOOTSTRAP delete TOPIC...                   delete topics (missing ones ignored)
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

public final class TopicAdmin {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: TopicAdmin BOOTSTRAP wait|create|describe|offsets|delete ...");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    try (Admin admin = Admin.create(props)) {
      switch (args[1]) {
        case "wait" -> waitReady(admin, Integer.parseInt(args[2]));
        case "create" -> {
          waitReady(admin, 60);
          create(admin, Integer.parseInt(args[2]), rest(args, 3));
        }
        case "describe" -> describe(admin, rest(args, 2));
        case "offsets" -> offsets(admin, args[2], args[3]);
        case "delete" -> delete(admin, rest(args, 2));
        default -> {
          System.err.println("unknown command: " + args[1]);
          System.exit(2);
        }
      }
    }
  }

  private static List<String> rest(String[] args, int from) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < args.length; ++i) out.add(args[i]);
    return out;
  }

  private static void waitReady(Admin admin, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        int brokers = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
        if (brokers > 0) return;
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("broker not serving after " + seconds + " s", last);
  }

  private static void create(Admin admin, int partitions, List<String> topics) throws Exception {
    for (String topic : topics) {
      try {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) throw e;
      }
    }
    describe(admin, topics);
  }

  private static Map<String, TopicDescription> descriptions(Admin admin, List<String> topics)
      throws Exception {
    // Metadata of a just-created topic can lag a moment behind the create call.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return admin.describeTopics(topics).allTopicNames().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline)
          throw e;
        Thread.sleep(100);
      }
    }
  }

  private static void describe(Admin admin, List<String> topics) throws Exception {
    for (TopicDescription d : new TreeMap<>(descriptions(admin, topics)).values())
      System.out.println(d.name() + " " + d.partitions().size());
  }

  private static void offsets(Admin admin, String group, String topic) throws Exception {
    TopicDescription d = descriptions(admin, List.of(topic)).get(topic);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    d.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    var ends = admin.listOffsets(latest).all().get();
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    StringBuilder json = new StringBuilder("{\"group\":\"" + group + "\",\"topic\":\"" + topic + "\",\"partitions\":[");
    for (int p = 0; p < d.partitions().size(); ++p) {
      TopicPartition tp = new TopicPartition(topic, p);
      OffsetAndMetadata c = committed.get(tp);
      if (p > 0) json.append(',');
      json.append("{\"partition\":").append(p)
          .append(",\"end\":").append(ends.get(tp).offset())
          .append(",\"committed\":").append(c == null ? -1 : c.offset()).append('}');
    }
    System.out.println(json.append("]}"));
  }

  private static void delete(Admin admin, List<String> topics) throws Exception {
    Set<String> existing = admin.listTopics().names().get();
    List<String> present = topics.stream().filter(existing::contains).toList();
    if (!present.isEmpty()) admin.deleteTopics(present).all().get();
  }
}
