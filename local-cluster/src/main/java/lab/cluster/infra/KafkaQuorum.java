package lab.cluster.infra;

/** What every node of a KRaft cluster shares: the voters, the size and the cluster id. */
record KafkaQuorum(String voters, int size, String clusterId) {
}
