# cmake -DSRC=dir -DDST=dir -P CopyIfExists.cmake: makes DST a copy of SRC when SRC exists.
if(SRC AND IS_DIRECTORY "${SRC}")
  file(REMOVE_RECURSE "${DST}")  # a mirror: no stale content-hashed files from older builds
  file(COPY "${SRC}/" DESTINATION "${DST}")
endif()
