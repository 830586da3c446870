/** The Apache Pekko runtime: env workers, replay service, learner service, parameter server, cluster. */
package dev.mnemo.actors;
