# cmake -DSRC=dir -DDST=dir -P CopyIfExists.cmake: copies SRC's contents into DST when SRC exists.
if(SRC AND IS_DIRECTORY "${SRC}")
  file(COPY "${SRC}/" DESTINATION "${DST}")
endif()
