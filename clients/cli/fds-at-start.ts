/**
 * Records the descriptors this process inherited before any other module of the CLI loads: the
 * first import of main.ts. Loading the rest (grpc-js, the stream code) has Node open /dev/null
 * for itself, and a snapshot taken after that passed it on to CMD as if the caller had given it
 * (strace's own test programs, which count /proc/self/fd, saw one descriptor too many).
 */
import { snapshotInheritedFds } from './child';

snapshotInheritedFds();
