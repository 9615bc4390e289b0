// the trail's file layout and links live beside the source that reads the trail back (src/sources/auditgraph)
export { GENESIS, lastLine, lineHash, rotatedName, timeOfLine, trailFiles, trailFilesInOrder } from '../sources/auditgraph/trail';
