/** Recurrent prioritized sequence replay: adders that cut trajectories into sequences, and their storage. */
package dev.mnemo.replay;
