/** Networks, pure-Java actor kernels, losses and acting policies. */
package dev.mnemo.agents;
