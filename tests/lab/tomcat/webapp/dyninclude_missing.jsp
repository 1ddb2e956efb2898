<%@ page contentType="text/plain" %>
<jsp:include page="/fragments/banner.jsp" />
body
