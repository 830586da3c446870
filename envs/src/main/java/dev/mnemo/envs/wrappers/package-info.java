/** Wrappers that change what an environment shows or when its episodes end, without knowing which env it is. */
package dev.mnemo.envs.wrappers;
