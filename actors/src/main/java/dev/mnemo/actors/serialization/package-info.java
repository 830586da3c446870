/** Wire formats of the runtime's messages: a binary serializer for bulk float data, Jackson for control. */
package dev.mnemo.actors.serialization;
