<%@ page contentType="text/plain" %>
<jsp:include page="good.jsp"
