/** {@code runtime = cluster}: learner and actor nodes over Pekko Cluster, and the node entry point. */
package dev.mnemo.actors.cluster;
