/** The replay benchmark behind {@code mnemo bench replay}: insert rate, sampling cost, allocation, memory. */
package dev.mnemo.replay.bench;
