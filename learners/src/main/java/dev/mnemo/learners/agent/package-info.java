/**
 * The seams between an algorithm and the runtime that runs it, as in Acme: a {@link
 * dev.mnemo.learners.agent.Learner} (a batch in, priorities out; versioned parameters; save/restore), the
 * acting policy ({@link dev.mnemo.agents.acting.ActingPolicy}), an {@link dev.mnemo.learners.agent.Evaluator},
 * and one {@link dev.mnemo.learners.agent.AgentBuilder} per algorithm that turns its config into all of them.
 * The Pekko runtime and the CLI's runtime loop are written against these and name no algorithm; an
 * algorithm makes itself known to configs through an {@link dev.mnemo.learners.agent.AgentKind}
 * (a {@link java.util.ServiceLoader} service). On-policy algorithms, which learn from fresh whole trials instead of a
 * replay, meet a runtime through {@link dev.mnemo.learners.agent.OnPolicyBuilder}: an
 * {@link dev.mnemo.learners.agent.OnPolicyLearner} and one {@link dev.mnemo.learners.agent.TrialSource} per worker.
 */
package dev.mnemo.learners.agent;
